/** The measured cases (a)–(d) of the benchmark; bench/run.ts runs them and prints the table. */
import Database from 'better-sqlite3';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { TruinlagClient } from '../src/client/node.js';
import {
  closeAll,
  closedLoop,
  DURATION_MS,
  openLibraryClients,
  openSocket,
  percentile,
  RawClient,
  round,
  sleep,
  summarise,
  summariseRun,
  tempDir,
  waitForPeers,
  WARMUP_MS,
  within,
  type Child,
  type LoopSummary,
  type Summary,
} from './harness.js';

const MAX_RAW_INSERTS = 2_000_000;

export interface RoundTrips extends LoopSummary {
  /** Frames the server wrote per second: one answer per request, plus one per connected client for each broadcast. */
  readonly framesOutPerSecond: number;
}

const pingFrame = (id: string): string => JSON.stringify({ type: 'request', id, command: { type: 'ping' } });

// ---------------------------------------------------------------------------------------------------
// (a) ping round trips; the echo baseline
// ---------------------------------------------------------------------------------------------------

/** Raw `ws` clients in closed loops against the engine (ping requests) or the echo server (same frames). */
export async function rawRoundTrips(server: Child, engine: boolean, clients: number): Promise<RoundTrips> {
  const raw = await Promise.all(
    Array.from({ length: clients }, (_, i) => RawClient.open(server, engine, `bench-raw-${i}-client`)),
  );
  const run = await closedLoop(server, clients, (c, i) => {
    const id = `r${String(c).padStart(2, '0')}-${String(i).padStart(7, '0')}`;
    return (raw[c] as RawClient).roundTrip(pingFrame(id), id);
  });
  closeAll(raw);
  const summary = summariseRun(run);
  if (engine) await waitForPeers(server, 0);
  return { ...summary, framesOutPerSecond: summary.perSecond };
}

/**
 * The same pings through the library client. Without a text a ping is only answered; with one it is
 * also a durable broadcast to every client (each of which parses it, as applications do).
 */
export async function libraryPings(server: Child, clients: number, text?: string): Promise<RoundTrips> {
  const lib = await openLibraryClients(server, clients);
  const run = await closedLoop(server, clients, async (c) => {
    await (lib[c] as TruinlagClient).request({ type: 'ping', ...(text === undefined ? {} : { text }) });
  });
  closeAll(lib);
  await waitForPeers(server, 0);
  const summary = summariseRun(run);
  return { ...summary, framesOutPerSecond: summary.perSecond * (text === undefined ? 1 : clients + 1) };
}

// ---------------------------------------------------------------------------------------------------
// (b) durable player.add; raw SQLite at the same durability
// ---------------------------------------------------------------------------------------------------

/** `player.add` with unique passphrases from library clients; every connection is an admin, so each add is broadcast to all of them. */
/**
 * `player.add` from `clients` closed-loop library clients. Each added player is broadcast to every
 * admin connection: with `watching` every client receives all of them (50 frames out per add at 50
 * clients), else the clients are command-only connections (as scripts and CLI calls are) and the
 * number measures the durable commands themselves.
 */
export async function playerAdds(server: Child, clients: number, watching: boolean): Promise<RoundTrips> {
  const lib = await openLibraryClients(server, clients, { broadcasts: watching });
  const tag = Math.random().toString(36).slice(2, 8);
  const run = await closedLoop(server, clients, async (c, i) => {
    await (lib[c] as TruinlagClient).request({
      type: 'player.add',
      name: `Bench ${c}-${i}`,
      passphrase: `bench-${tag}-${c}-${i}`,
    });
  });
  closeAll(lib);
  await waitForPeers(server, 0);
  const summary = summariseRun(run);
  return { ...summary, framesOutPerSecond: summary.perSecond * (watching ? clients + 1 : 1) };
}

/**
 * What one commit per command would cost: single-row inserts, one transaction each, WAL +
 * synchronous=FULL, in a temp file, in this process (the engine server is stopped by then).
 */
export function rawSqliteInserts(): Summary {
  const db = new Database(join(tempDir(), 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE entity (kind TEXT NOT NULL, id INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID',
    );
    const insert = db.prepare('INSERT INTO entity (kind, id, doc) VALUES (?, ?, ?)');
    const one = db.transaction((id: number) => {
      const doc = { id, name: `Bench ${id}`, session: null, createdAt: Date.now() };
      insert.run('player', id, JSON.stringify(doc));
    });
    const latencies: number[] = [];
    const measureStart = performance.now() + WARMUP_MS;
    const measureEnd = measureStart + DURATION_MS;
    for (let id = 1; id <= MAX_RAW_INSERTS; id++) {
      const start = performance.now();
      if (start >= measureEnd) break;
      one(id);
      const end = performance.now();
      if (start >= measureStart && end <= measureEnd) latencies.push(end - start);
    }
    return summarise(latencies, DURATION_MS / 1_000);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// (c) one broadcast to many clients
// ---------------------------------------------------------------------------------------------------

export interface FanOut {
  readonly clients: number;
  readonly repeats: number;
  readonly deliveries: number;
  readonly missing: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Per repeat, the time until the first / the last client had the broadcast (median over repeats). */
  readonly firstDeliveryP50Ms: number;
  readonly lastDeliveryP50Ms: number;
  readonly lastDeliveryMaxMs: number;
  /** The sender's own response time (the commit that precedes the broadcast). */
  readonly senderResponseP50Ms: number;
  readonly connectSeconds: number;
}

/**
 * `receivers` library clients listen; one more client sends `ping` with a fresh text, `repeats` times
 * (after 3 warm-up rounds), each round waiting until every receiver has it (at most 10 s). Latency is
 * send → receipt, both read from this process's clock.
 */
export async function fanOut(server: Child, receiversCount: number, repeats: number): Promise<FanOut> {
  const connectStart = performance.now();
  const receivers = await openLibraryClients(server, receiversCount);
  const connectSeconds = (performance.now() - connectStart) / 1_000;
  const sender = (await openLibraryClients(server, 1))[0] as TruinlagClient;
  let round_: { text: string; times: number[]; done: () => void } | undefined;
  for (const client of receivers) {
    client.onBroadcast((b) => {
      const now = performance.now();
      const r = round_;
      if (r === undefined || b.event.type !== 'pinged' || b.event.text !== r.text) return;
      r.times.push(now);
      if (r.times.length === receivers.length) r.done();
    });
  }
  const latencies: number[] = [];
  const firsts: number[] = [];
  const lasts: number[] = [];
  const senderResponses: number[] = [];
  let missing = 0;
  const warmups = 3;
  for (let rep = 0; rep < warmups + repeats; rep++) {
    const times: number[] = [];
    const all = new Promise<void>((resolve) => (round_ = { text: `fan-${rep}`, times, done: resolve }));
    const sent = performance.now();
    const response = sender
      .request({ type: 'ping', text: `fan-${rep}` })
      .then(() => performance.now() - sent);
    await within(10_000, `broadcast ${rep} to reach every client`, all).catch(() => undefined);
    const took = await response;
    round_ = undefined;
    if (times.length === 0) throw new Error(`no client received broadcast ${rep}: are they admins?`);
    if (rep >= warmups) {
      for (const t of times) latencies.push(t - sent);
      firsts.push(Math.min(...times) - sent);
      lasts.push(Math.max(...times) - sent);
      senderResponses.push(took);
      missing += receivers.length - times.length;
    }
    await sleep(50);
  }
  closeAll(receivers);
  sender.close();
  await waitForPeers(server, 0);
  const sorted = (values: number[]): number[] => values.slice().sort((a, b) => a - b);
  const all = sorted(latencies);
  return {
    clients: receivers.length,
    repeats,
    deliveries: latencies.length,
    missing,
    p50Ms: round(percentile(all, 50), 3),
    p99Ms: round(percentile(all, 99), 3),
    maxMs: round(all.at(-1) ?? Number.NaN, 3),
    firstDeliveryP50Ms: round(percentile(sorted(firsts), 50), 3),
    lastDeliveryP50Ms: round(percentile(sorted(lasts), 50), 3),
    lastDeliveryMaxMs: round(Math.max(...lasts), 3),
    senderResponseP50Ms: round(percentile(sorted(senderResponses), 50), 3),
    connectSeconds: round(connectSeconds, 2),
  };
}

// ---------------------------------------------------------------------------------------------------
// (d) a stalled client beside pinging clients
// ---------------------------------------------------------------------------------------------------

export interface SlowClient {
  readonly textBytes: number;
  readonly baseline: LoopSummary;
  /** From the stall until 2 s after the cut-off (or the end of the window). */
  readonly withStalled: LoopSummary;
  /** Only the pings that finished before the stalled client was cut off. */
  readonly whileStalledAttached: Summary;
  /** From the stall (socket paused) to the server detaching the client; null if it never did. */
  readonly cutOffAfterMs: number | null;
  /** The close code the stalled client saw once it read again. */
  readonly closeCode: number | null;
  /** Bytes of broadcasts the stalled client got after it resumed reading (what the kernel had buffered). */
  readonly bytesReadAfterResume: number;
}

/**
 * `clients` library clients ping with a `textBytes` text (every ping is broadcast to every connection);
 * first alone, then beside one more connection that has said hello and then stops reading (its socket
 * paused at the start of the measured window). The server should cut it off (4008) once its outbound
 * queue passes the bound, without slowing the others.
 */
export async function slowClient(
  server: Child,
  clients: number,
  textBytes: number,
  maxStallMs: number,
): Promise<SlowClient> {
  const text = 'x'.repeat(textBytes);
  const pings = async (
    hooks: Parameters<typeof closedLoop>[3] = {},
    afterLoop: () => number = () => 0,
  ): Promise<ReturnType<typeof closedLoop>> => {
    const lib = await openLibraryClients(server, clients);
    const run = await closedLoop(
      server,
      clients,
      async (c) => {
        await (lib[c] as TruinlagClient).request({ type: 'ping', text });
      },
      hooks,
    );
    const remaining = afterLoop();
    closeAll(lib);
    await waitForPeers(server, remaining);
    return run;
  };

  const baseline = summariseRun(await pings());

  const stalled = await openSocket(server, 'bench-stalled-client');
  const tcp = (stalled as unknown as { _socket: Socket })._socket;
  let bytesRead = 0;
  stalled.on('message', (data) => (bytesRead += (data as Buffer).length));
  const closed = new Promise<number>((resolve) => stalled.once('close', (code) => resolve(code)));
  let pausedAt = 0;
  let cutOffAt: number | undefined;
  let cutOffPerf: number | undefined;
  let endWindow: (at: number) => void = () => undefined;
  let looping = true;
  server.watch(true, (at) => {
    // While the clients loop only the stalled connection can go: the others close after the loop.
    if (!looping || pausedAt === 0 || cutOffAt !== undefined) return;
    cutOffAt = at;
    cutOffPerf = performance.now();
    endWindow(cutOffPerf + 2_000);
  });
  const run = await pings(
    {
      durationMs: maxStallMs,
      endBy: (end) => (endWindow = end),
      atMeasureStart: () => {
        tcp.pause();
        pausedAt = Date.now();
      },
    },
    () => {
      looping = false;
      // Until it is cut off the stalled connection stays attached.
      return cutOffAt === undefined ? 1 : 0;
    },
  );
  server.watch(false);
  bytesRead = 0;
  tcp.resume();
  const closeCode = await within(5_000, 'stalled client close', closed).catch(() => null);
  if (closeCode === null) stalled.terminate();
  const attachedUntil = cutOffPerf ?? run.measureEnd;
  const attached = run.samples.filter((s) => s.start + s.ms <= attachedUntil).map((s) => s.ms);
  return {
    textBytes,
    baseline,
    withStalled: summariseRun(run),
    whileStalledAttached: summarise(attached, Math.max(0.001, (attachedUntil - run.measureStart) / 1_000)),
    cutOffAfterMs: cutOffAt === undefined ? null : cutOffAt - pausedAt,
    closeCode,
    bytesReadAfterResume: bytesRead,
  };
}
