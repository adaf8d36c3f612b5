import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  withTimeout,
} from '../helpers/index.js';
import { onDetach, WireClient } from './support.js';

/**
 * Slow and dead clients (issue 4 of the durability list): the engine never waits for a client. A client
 * that stops reading is cut off when its outbound queue passes the bound (4008); one that stops
 * answering pings is closed as dead (4010). Everyone else carries on undisturbed.
 */

const wires = new Set<WireClient>();

afterEach(async () => {
  for (const wire of wires) wire.close();
  wires.clear();
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

async function wire(
  server: { url: string; adminToken: string },
  client: string,
  options = {},
): Promise<WireClient> {
  const connection = await WireClient.open(server.url, { token: server.adminToken, client }, options);
  wires.add(connection);
  return connection;
}

/** The TCP socket under a `ws` connection: pausing it stops reading at the kernel, like a stuck client. */
const tcpOf = (connection: WireClient): Socket =>
  (connection.socket as unknown as { _socket: Socket })._socket;

/** A client library connection that counts its disconnects and checks that its broadcasts are gap-free. */
interface Worker {
  readonly client: TruinlagClient;
  received: number;
  gaps: number;
  disconnects: number;
}

async function worker(server: { url: string; adminToken: string }): Promise<Worker> {
  const client = await openClient(
    { url: server.url, token: server.adminToken },
    { requestTimeoutMs: 60_000 },
  );
  const state: Worker = { client, received: 0, gaps: 0, disconnects: 0 };
  client.onBroadcast((b) => {
    if (b.seq !== state.received + 1) state.gaps++;
    state.received = b.seq;
  });
  client.onConnection((s) => {
    if (s.status === 'closed') state.disconnects++;
  });
  return state;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('[PROTOCOL-6] a client that stops reading', () => {
  it('is cut off with 4008 when its queue passes the bound, while 50 others carry on without an error', async () => {
    const server = await startTestServer({ config: { maxQueueBytes: 64 * 1024 } });
    const released = onDetach(server.server.runtime);
    const slow = await wire(server, 'slow-consumer');
    const slowId = slow.welcome?.connection as string;
    tcpOf(slow).pause();
    const workers = await Promise.all(Array.from({ length: 50 }, () => worker(server)));

    // Everyone pings (each ping is broadcast to all 51) until the server lets go of the slow one. It must
    // do so long before the limit: 20 000 pings are ~22 MB for the slow client.
    let cutOff = false;
    const cut = released(slowId, 120_000).then(() => (cutOff = true));
    const text = 'x'.repeat(1000);
    let pings = 0;
    await Promise.all(
      workers.map(async (w) => {
        for (let n = 0; n < 400 && !cutOff; n++) {
          await w.client.request({ type: 'ping', text });
          pings++;
        }
      }),
    );
    await cut;
    // The others keep working afterwards.
    await Promise.all(workers.map((w) => w.client.request({ type: 'ping', text: 'after the cut' })));
    pings += workers.length;
    await withTimeout(
      Promise.all(workers.map((w) => waitUntil(w, pings))),
      30_000,
      'every worker receiving every broadcast',
    );
    for (const w of workers)
      expect({ received: w.received, gaps: w.gaps, disconnects: w.disconnects }).toEqual({
        received: pings,
        gaps: 0,
        disconnects: 0,
      });

    // The slow client, reading again seconds later (its close frame waited behind the unsent bytes all
    // that time), finds what was sent before the cut (a gap-free prefix) and then the close with the
    // slow-consumer code.
    await sleep(2_500);
    tcpOf(slow).resume();
    const closed = await withTimeout(slow.closed, 60_000, 'the slow client seeing its close');
    expect(closed.code).toBe(CLOSE_CODES.SLOW_CONSUMER);
    expect(slow.broadcasts.map((b) => b.seq)).toEqual(range(1, slow.broadcasts.length));
    expect(slow.broadcasts.length).toBeLessThan(pings);
    expect(slow.violations).toEqual([]);
  }, 180_000);
});

/** Resolves once a worker has received `count` broadcasts (checked on each broadcast). */
function waitUntil(w: Worker, count: number): Promise<void> {
  if (w.received >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const off = w.client.onBroadcast(() => {
      if (w.received < count) return;
      off();
      resolve();
    });
  });
}

describe('[PROTOCOL-6] a client that stops answering pings', () => {
  it('is closed as dead (4010) within a couple of heartbeats; a live client stays connected', async () => {
    const server = await startTestServer({ config: { heartbeatMs: 200 } });
    const live = await worker(server);
    // Reads everything but never answers a ping.
    const silent = await wire(server, 'never-pongs', { autoPong: false });
    const closed = await withTimeout(silent.closed, 10_000, 'the silent client being closed');
    expect(closed.code).toBe(CLOSE_CODES.DEAD);
    // Several heartbeats went by; the live client answered them and is still there.
    expect(await live.client.request({ type: 'ping', text: 'still here' })).toEqual({ text: 'still here' });
    expect(live.disconnects).toBe(0);
  });

  it('is closed as dead when it stopped reading altogether', async () => {
    const server = await startTestServer({ config: { heartbeatMs: 200 } });
    const released = onDetach(server.server.runtime);
    const stuck = await wire(server, 'stopped-reading');
    tcpOf(stuck).pause();
    await released(stuck.welcome?.connection as string, 10_000);
    // Reading again, it finds the close the server sent.
    tcpOf(stuck).resume();
    const closed = await withTimeout(stuck.closed, 10_000, 'the stuck client seeing its close');
    expect(closed.code).toBe(CLOSE_CODES.DEAD);
  });
});
