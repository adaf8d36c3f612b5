/**
 * The baseline of case (c): the same fan-out without the engine. Raw `ws` clients connect to the echo
 * child, which sends a `{"fan":…}` message to every connection: plainly, or after one SQLite commit at
 * the engine's durability (WAL, synchronous=FULL), as the engine commits a broadcast before sending it.
 */
import type WebSocket from 'ws';
import { closeAll, openSocket, percentile, round, sleep, within, type Child } from './harness.js';

export interface RawFanOut {
  readonly clients: number;
  readonly repeats: number;
  readonly durable: boolean;
  /** Per repeat, the time from sending until the first / the last client had it (median over repeats). */
  readonly firstDeliveryP50Ms: number;
  readonly lastDeliveryP50Ms: number;
}

const WARMUPS = 3;

/** `receivers` raw clients; one more sends a fan-out message `repeats` times, each awaited by all. */
export async function rawFanOut(
  server: Child,
  receivers: number,
  repeats: number,
  durable: boolean,
): Promise<RawFanOut> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < receivers; i += 100) {
    const batch = Array.from({ length: Math.min(100, receivers - i) }, () => openSocket(server, undefined));
    sockets.push(...(await Promise.all(batch)));
  }
  const sender = await openSocket(server, undefined);
  let round_: { tag: string; times: number[]; done: () => void } | undefined;
  for (const socket of sockets) {
    socket.on('message', (data) => {
      const now = performance.now();
      const r = round_;
      if (r === undefined || !(data as Buffer).toString().includes(r.tag)) return;
      r.times.push(now);
      if (r.times.length === receivers) r.done();
    });
  }
  const firsts: number[] = [];
  const lasts: number[] = [];
  for (let rep = 0; rep < WARMUPS + repeats; rep++) {
    const tag = `fan-${rep}-${Math.random().toString(36).slice(2)}`;
    const times: number[] = [];
    const all = new Promise<void>((resolve) => (round_ = { tag, times, done: resolve }));
    const sent = performance.now();
    sender.send(JSON.stringify({ fan: durable ? 'durable' : 'plain', tag }));
    await within(10_000, `raw fan-out ${rep} to reach every client`, all);
    round_ = undefined;
    if (rep >= WARMUPS) {
      firsts.push(Math.min(...times) - sent);
      lasts.push(Math.max(...times) - sent);
    }
    await sleep(50);
  }
  closeAll([...sockets, sender].map((socket) => ({ close: () => socket.terminate() })));
  const median = (values: number[]): number =>
    round(
      percentile(
        values.slice().sort((a, b) => a - b),
        50,
      ),
      3,
    );
  return {
    clients: receivers,
    repeats,
    durable,
    firstDeliveryP50Ms: median(firsts),
    lastDeliveryP50Ms: median(lasts),
  };
}
