/**
 * The truinlag benchmark (`npm run bench`). One run measures, prints a table and writes
 * bench/results.json (machine facts and every number):
 *
 *  (a) ping round trips (text-less pings: request and response) over WebSocket, 1 and 50 closed-loop
 *      clients, against a plain `ws` echo server driven by the same raw `ws` clients with the same
 *      frames; plus, for information, pings with a text (each a durable broadcast to all 50 clients);
 *  (b) durable `player.add` commands from 50 command-only clients, against raw better-sqlite3
 *      single-row inserts at the same durability (WAL, synchronous=FULL, one insert per transaction);
 *      plus, for information, the same with all 50 clients receiving every broadcast;
 *      and Redis with `appendfsync always` (redis-benchmark -c 50 -t set), started on a temp dir;
 *  (c) one ping broadcast delivered to 1,000 connected clients, repeated, against a raw `ws` fan-out of
 *      one message to as many raw clients (plainly, and after one SQLite FULL commit, for information);
 *  (d) 50 pinging clients' latency without and with one extra client that stops reading, and whether
 *      and when that client is cut off (close code 4008) at a 256 KiB outbound bound;
 *  (e) the player app in headless Chromium: time from back online to "synced" for 10 queued actions, and
 *      the size of the JavaScript it loads before its first screen;
 *  (f) one client's text-less pings on an idle server and beside 50 clients adding players (PROTOCOL-8); the
 *      pinger runs in its own process, so that reading the writers' answers does not delay its reads;
 *  (g) start-up against `node -e 0` in the same run: a restart of the built server with a day's data
 *      directory (it plays 200,000 commands first; BENCH_DAY_COMMANDS sets fewer) to its first answer,
 *      and the CLI's one-shot calls.
 *
 * Cases (a)–(d) and (f) run BENCH_RUNS times (default 3) and every number printed is the median of the
 * runs, with the lowest and highest run of each target beside it and the load average of each run, so
 * that one lucky run on a shared machine cannot be the record; results.json keeps every run. Cases (e)
 * and (g) run once.
 *
 * Run on its own (about half a minute): (h) a compressed full game day (bench/full-day.ts),
 * location-update cost at the end of the day against its start and the data directory it leaves
 * (`tsx bench/only.ts h`).
 *
 * Servers (engine and echo) run in child processes and the clients in this one: on a 2-core machine
 * each side then has a core, and neither side's CPU time is counted as the other's. Everything listens
 * on 127.0.0.1; every loop is bounded in time and count; temp dirs are removed at the end; a watchdog
 * ends the run if anything hangs. BENCH_SECONDS shortens or lengthens the measured windows (default 5).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  fanOut,
  libraryPings,
  playerAdds,
  rawRoundTrips,
  rawSqliteInserts,
  slowClient,
  type FanOut,
  type RoundTrips,
  type SlowClient,
} from './cases.js';
import {
  BENCH_DIR,
  cleanup,
  DURATION_MS,
  round,
  startEcho,
  startEngine,
  WARMUP_MS,
  type LoopSummary,
  type Summary,
} from './harness.js';
import { medianOf, showSpread, spread, type Spread } from './median.js';
import { pingUnderWrites, type PingUnderWrites } from './ping-under-writes.js';
import { playerAppSync, type PlayerAppResults } from './player-app.js';
import { rawFanOut, type RawFanOut } from './raw-fan-out.js';
import { redisFsyncSets, type RedisSets } from './redis.js';
import { ONE_SHOT_TARGET_RATIO, RESTART_TARGET_RATIO, startup, type StartupResults } from './startup.js';

const DEFAULT_BOUND = 8 * 1024 * 1024;
const SLOW_BOUND = 256 * 1024;
const SLOW_TEXT_BYTES = 1_000;
const MAX_STALL_MS = 20_000;
const BROADCAST_CLIENTS = 1_000;
const BROADCAST_REPEATS = 20;
const WRITERS = 50;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** Case (g) first plays a day of 200,000 commands into a data directory: 15 minutes for it. */
const WATCHDOG_MS = 300_000 * RUNS + 900_000;

/** One run of cases (a)–(d) and (f), with the ratios its targets are judged by. */
interface Run {
  /** The 1-, 5- and 15-minute load averages as the run started and ended. */
  loadAverage: { start: number[]; end: number[] };
  a: {
    echo1: RoundTrips;
    echo50: RoundTrips;
    ping1: RoundTrips;
    ping50: RoundTrips;
    libraryPing1: RoundTrips;
    libraryPing50: RoundTrips;
    /** Pings with a text: each also a durable broadcast to all 50 clients (not part of the target). */
    textPing50: RoundTrips;
    ratioAt50: number;
  };
  b: {
    playerAdd50: RoundTrips;
    /** The same with every client receiving every `player.added` broadcast (not part of the target). */
    playerAdd50Watching: RoundTrips;
    rawSqlite: Summary;
    /** Null when redis-server or redis-benchmark is not installed. */
    redis: RedisSets | null;
    ratio: number;
    redisRatio: number;
  };
  c: FanOut & {
    raw: RawFanOut;
    rawDurable: RawFanOut;
    /** First delivery over the raw fan-out's first delivery (target: at most 2). */
    firstRatio: number;
    firstRatioDurable: number;
  };
  d: SlowClient & { bound: number; p99Ratio: number; p99RatioWhileAttached: number };
  f: PingUnderWrites;
}

type Key = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

interface Results {
  machine: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    totalMemMiB: number;
    date: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  setup: Record<string, string | number>;
  /** Every number the median over the runs (each run is in `runs`). */
  median: Run;
  /** The target ratios and latencies: median, lowest and highest run. */
  spreads: Record<string, Spread>;
  runs: Run[];
  e: PlayerAppResults;
  g: StartupResults;
  targets: Record<Key, { readonly target: string; readonly met: boolean }>;
  totalSeconds: number;
}

type Log = (line: string) => void;

async function measure(log: Log): Promise<Run> {
  const start = os.loadavg().map((l) => round(l, 2));
  log('(a) echo baseline');
  const echo = await startEcho();
  const echo1 = await rawRoundTrips(echo, false, 1);
  const echo50 = await rawRoundTrips(echo, false, 50);
  log('(c) raw fan-out baseline');
  const raw = await rawFanOut(echo, BROADCAST_CLIENTS, BROADCAST_REPEATS, false);
  const rawDurable = await rawFanOut(echo, BROADCAST_CLIENTS, BROADCAST_REPEATS, true);
  await echo.stop();
  log('(a) engine ping');
  const engineA = await startEngine(DEFAULT_BOUND);
  const ping1 = await rawRoundTrips(engineA, true, 1);
  const ping50 = await rawRoundTrips(engineA, true, 50);
  const libraryPing1 = await libraryPings(engineA, 1);
  const libraryPing50 = await libraryPings(engineA, 50);
  const textPing50 = await libraryPings(engineA, 50, 'hello');
  await engineA.stop();

  log('(b) player.add, raw SQLite and Redis');
  const engineB = await startEngine(DEFAULT_BOUND);
  const playerAdd50 = await playerAdds(engineB, WRITERS, false);
  const playerAdd50Watching = await playerAdds(engineB, WRITERS, true);
  await engineB.stop();
  const rawSqlite = rawSqliteInserts();
  const redis = await redisFsyncSets(WRITERS);

  log(`(c) broadcast to ${BROADCAST_CLIENTS} clients`);
  const engineC = await startEngine(DEFAULT_BOUND);
  const c = await fanOut(engineC, BROADCAST_CLIENTS, BROADCAST_REPEATS);
  await engineC.stop();

  log('(d) stalled client');
  const engineD = await startEngine(SLOW_BOUND);
  const d = await slowClient(engineD, 50, SLOW_TEXT_BYTES, MAX_STALL_MS);
  await engineD.stop();

  log('(f) pings beside writes');
  const engineF = await startEngine(DEFAULT_BOUND);
  const f = await pingUnderWrites(engineF, WRITERS);
  await engineF.stop();

  return {
    loadAverage: { start, end: os.loadavg().map((l) => round(l, 2)) },
    a: {
      echo1,
      echo50,
      ping1,
      ping50,
      libraryPing1,
      libraryPing50,
      textPing50,
      ratioAt50: round(ping50.perSecond / echo50.perSecond, 3),
    },
    b: {
      playerAdd50,
      playerAdd50Watching,
      rawSqlite,
      redis,
      ratio: round(playerAdd50.perSecond / rawSqlite.perSecond, 2),
      redisRatio: redis === null ? Number.NaN : round(playerAdd50.perSecond / redis.perSecond, 2),
    },
    c: {
      ...c,
      raw,
      rawDurable,
      firstRatio: round(c.firstDeliveryP50Ms / raw.firstDeliveryP50Ms, 2),
      firstRatioDurable: round(c.firstDeliveryP50Ms / rawDurable.firstDeliveryP50Ms, 2),
    },
    d: {
      ...d,
      bound: SLOW_BOUND,
      p99Ratio: round(d.withStalled.p99Ms / d.baseline.p99Ms, 2),
      p99RatioWhileAttached: round(d.whileStalledAttached.p99Ms / d.baseline.p99Ms, 2),
    },
    f,
  };
}

/** The numbers the targets are judged by, over the runs. */
function spreadsOf(runs: readonly Run[]): Record<string, Spread> {
  const of = (pick: (run: Run) => number): Spread => spread(runs.map(pick));
  return {
    'a engine/echo at 50': of((r) => r.a.ratioAt50),
    'b player.add/raw SQLite': of((r) => r.b.ratio),
    'b player.add/Redis': of((r) => r.b.redisRatio),
    'b player.add p99 ms': of((r) => r.b.playerAdd50.p99Ms),
    'b player.add ops/s': of((r) => r.b.playerAdd50.perSecond),
    'b raw SQLite ops/s': of((r) => r.b.rawSqlite.perSecond),
    'b Redis ops/s': of((r) => r.b.redis?.perSecond ?? Number.NaN),
    'c broadcast p99 ms': of((r) => r.c.p99Ms),
    'c first delivery / raw': of((r) => r.c.firstRatio),
    'd p99 with/without stalled': of((r) => Math.max(r.d.p99Ratio, r.d.p99RatioWhileAttached)),
    'f ping p50 under writes / idle': of((r) => r.f.p50Ratio),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const log: Log = (line) =>
    void process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  const loadAverageAtStart = os.loadavg().map((l) => round(l, 2));
  const runs: Run[] = [];
  for (let i = 1; i <= RUNS; i++) {
    log(`run ${i} of ${RUNS}`);
    runs.push(await measure(log));
  }
  log('(e) player app: back online to synced');
  const e = await playerAppSync();
  const g = await startup(log);

  const median = medianOf(runs);
  const spreads = spreadsOf(runs);
  const m = (key: string): number => spreads[key]?.median ?? Number.NaN;
  const results: Results = {
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
      date: new Date(started).toISOString(),
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
    },
    setup: {
      servers:
        'engine (built, dist/) and echo servers each in their own child process, clients in the bench process',
      address: '127.0.0.1, port 0',
      runs: RUNS,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      tmpdir: os.tmpdir(),
      slowClientBoundBytes: SLOW_BOUND,
      slowClientTextBytes: SLOW_TEXT_BYTES,
    },
    median,
    spreads,
    runs,
    e,
    g,
    targets: {
      a: { target: 'engine/echo ops/s at 50 clients >= 0.5', met: m('a engine/echo at 50') >= 0.5 },
      b: {
        target: 'player.add >= 3x raw SQLite and >= 0.35x Redis (appendfsync always), p99 <= 10 ms',
        met:
          m('b player.add/raw SQLite') >= 3 &&
          m('b player.add/Redis') >= 0.35 &&
          m('b player.add p99 ms') <= 10 &&
          runs.every((r) => r.b.playerAdd50.errors === 0),
      },
      c: {
        target: 'p99 < 50 ms, every delivery; first delivery <= 2x raw fan-out',
        met:
          m('c broadcast p99 ms') < 50 &&
          m('c first delivery / raw') <= 2 &&
          runs.every((r) => r.c.missing === 0),
      },
      d: {
        target: 'p99 with stalled client <= 1.5x without; cut off with 4008',
        met: m('d p99 with/without stalled') <= 1.5 && runs.every((r) => r.d.closeCode === 4008),
      },
      e: {
        target: `${e.queued} queued actions synced <= 2 s after back online; initial JS <= 150 kB gzip`,
        met: Math.max(...e.syncMs) <= 2_000 && e.initialJsGzipBytes <= e.budgetBytes,
      },
      f: {
        target: 'text-less ping p50 beside 50 writing clients <= 2x idle',
        met: m('f ping p50 under writes / idle') <= 2,
      },
      g: {
        target:
          `restart with a day <= ${RESTART_TARGET_RATIO}x and CLI one-shots <= ${ONE_SHOT_TARGET_RATIO}x ` +
          'node -e 0 (1 s and 300 ms where node -e 0 takes 124 ms)',
        met: g.restartRatio <= RESTART_TARGET_RATIO && g.worstOneShotRatio <= ONE_SHOT_TARGET_RATIO,
      },
    },
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(table(results));
}

function table(r: Results): string {
  const header = [
    'case',
    'ops/s',
    'frames out/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'CPU srv/cli/all',
    'srv µs/op',
    'loop µs/op',
    'commits/s',
    'req/commit',
    'commit ms',
    'ckpt/s',
    'ckpt ms',
    'err',
  ];
  const rows: string[][] = [header];
  const row = (name: string, s: Summary & Partial<LoopSummary> & { framesOutPerSecond?: number }): void => {
    rows.push([
      name,
      String(s.perSecond),
      s.framesOutPerSecond === undefined ? '-' : String(s.framesOutPerSecond),
      s.p50Ms.toFixed(2),
      s.p99Ms.toFixed(2),
      s.maxMs.toFixed(2),
      s.cpu === undefined ? '-' : `${s.cpu.server}/${s.cpu.clients}/${s.cpu.machine ?? '?'}%`,
      s.serverCpuUsPerOp === undefined ? '-' : String(s.serverCpuUsPerOp),
      s.loopCpuUsPerOp === undefined ? '-' : String(s.loopCpuUsPerOp),
      s.cpu?.commitsPerSecond === undefined ? '-' : String(s.cpu.commitsPerSecond),
      s.cpu?.requestsPerCommit === undefined ? '-' : String(s.cpu.requestsPerCommit),
      s.cpu?.commitMs === undefined ? '-' : s.cpu.commitMs.toFixed(2),
      s.cpu?.checkpointsPerSecond === undefined ? '-' : String(s.cpu.checkpointsPerSecond),
      s.cpu?.checkpointMs === undefined ? '-' : s.cpu.checkpointMs.toFixed(2),
      String(s.errors),
    ]);
  };
  const { a, b, c, d, f } = r.median;
  row('(a) echo server, raw ws, 1 client', a.echo1);
  row('(a) echo server, raw ws, 50 clients', a.echo50);
  row('(a) engine ping, raw ws, 1 client', a.ping1);
  row('(a) engine ping, raw ws, 50 clients', a.ping50);
  row('(a) engine ping, library, 1 client', a.libraryPing1);
  row('(a) engine ping, library, 50 clients', a.libraryPing50);
  row('    ping with text (broadcast to all), 50', a.textPing50);
  row('(b) engine player.add, library, 50 clients', b.playerAdd50);
  row('    same, all 50 receive every broadcast', b.playerAdd50Watching);
  row('(b) raw SQLite insert+commit (FULL, WAL)', b.rawSqlite);
  row(`(d) 50 pings (${d.textBytes} B text), no stall`, d.baseline);
  row('(d) same + 1 stalled client', d.withStalled);
  row('(d)   ... until it was cut off', d.whileStalledAttached);
  row('(f) 1 client text-less ping, idle server', f.idle);
  row('(f) same, beside 50 clients adding players', f.underWrites);
  row('(f)   the 50 clients adding players', f.writes);
  const widths = header.map((_, i) => Math.max(...rows.map((x) => (x[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const met = (key: Key): string => (r.targets[key].met ? 'met' : 'MISSED');
  const sp = (key: string, digits = 2): string => {
    const s = r.spreads[key];
    return s === undefined ? '?' : showSpread(s, digits);
  };
  const redis =
    b.redis === null
      ? 'Redis: not installed (redis-server, redis-benchmark)'
      : `Redis 7 appendfsync always, redis-benchmark -c ${b.redis.clients} -t set: ${b.redis.perSecond} ops/s, ` +
        `p50 ${b.redis.p50Ms} ms, p99 ${b.redis.p99Ms} ms`;
  return [
    `truinlag benchmark — node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.date}`,
    `median of ${r.runs.length} run(s); load average (1/5/15 min) per run, start → end: ` +
      r.runs.map((run) => `${run.loadAverage.start.join(' ')} → ${run.loadAverage.end.join(' ')}`).join('; '),
    `setup: ${r.setup.servers}; ${r.setup.warmupMs} ms warm-up + ${r.setup.durationMs} ms measured per case`,
    'CPU = % of one core over the measured window: server child / bench process (clients) / whole machine' +
      ` (${r.machine.cpus * 100}% = every core busy); srv µs/op = server CPU time per operation;` +
      ' loop µs/op = the same of its main thread alone (the loop, without the commit thread);',
    "commits/s, req/commit, commit ms = the engine's group commits (answered requests per commit, mean time of one commit incl. fsync);" +
      ' ckpt/s, ckpt ms = its WAL checkpoints, beside the commits or between them (per second, mean time of one)',
    '',
    line(header),
    ...rows.slice(1).map(line),
    '',
    `(b) ${redis}`,
    `(c) one ping broadcast to ${c.clients} clients, ${c.repeats} times: p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms, ` +
      `max ${c.maxMs} ms; first client p50 ${c.firstDeliveryP50Ms} ms, last client p50 ${c.lastDeliveryP50Ms} ms; ` +
      `sender's response p50 ${c.senderResponseP50Ms} ms; missing ${c.missing}`,
    `(c) raw ws fan-out to ${c.raw.clients} clients: first client p50 ${c.raw.firstDeliveryP50Ms} ms, last ` +
      `${c.raw.lastDeliveryP50Ms} ms; after one SQLite FULL commit: first ${c.rawDurable.firstDeliveryP50Ms} ms, ` +
      `last ${c.rawDurable.lastDeliveryP50Ms} ms`,
    `(d) stalled client: cut off ${d.cutOffAfterMs === null ? 'never' : `${d.cutOffAfterMs} ms after it stopped reading`}, ` +
      `close code ${d.closeCode ?? 'none'} (bound ${d.bound} B); ${d.bytesReadAfterResume} B were still buffered in the kernel`,
    '',
    'targets (median of the runs, lowest–highest run in brackets):',
    `  (a) engine/echo at 50 clients = ${sp('a engine/echo at 50', 3)} (>= 0.5): ${met('a')}`,
    `  (b) player.add / raw SQLite = ${sp('b player.add/raw SQLite')}x (>= 3x), / Redis = ${sp('b player.add/Redis')}x ` +
      `(>= 0.35x), p99 ${sp('b player.add p99 ms')} ms (<= 10 ms): ${met('b')}`,
    `  (c) broadcast p99 ${sp('c broadcast p99 ms')} ms (< 50 ms); first delivery / raw fan-out's = ` +
      `${sp('c first delivery / raw')}x (<= 2x; ${c.firstRatioDurable}x of the raw one with a commit): ${met('c')}`,
    `  (d) p99 with/without stalled client = ${sp('d p99 with/without stalled')}x, close ${d.closeCode ?? 'none'} ` +
      `(<= 1.5x, 4008): ${met('d')}`,
    `  (e) player app: ${r.e.queued} queued actions synced ${r.e.syncMs.join(' / ')} ms after back online (<= 2000 ms); ` +
      `initial JS ${(r.e.initialJsGzipBytes / 1024).toFixed(1)} kB gzip (<= ${r.e.budgetBytes / 1024} kB), one run: ${met('e')}`,
    `  (f) ping p50 beside 50 writers / idle = ${sp('f ping p50 under writes / idle')}x (<= 2x): ${met('f')}`,
    `  (g) start-up vs node -e 0 (${r.g.nodeMs} ms): restart with a day of ${r.g.dayCommands} commands ` +
      `${r.g.restartMs} ms = ${r.g.restartRatio}x (empty data ${r.g.emptyStartMs} ms); slowest CLI one-shot ` +
      `${r.g.worstOneShotRatio}x (${Object.entries(r.g.oneShotMs)
        .map(([line, ms]) => `${line.split(' --socket')[0] ?? line} ${ms} ms`)
        .join(', ')}) (<= ${RESTART_TARGET_RATIO}x, <= ${ONE_SHOT_TARGET_RATIO}x), one run: ${met('g')}`,
    `total ${r.totalSeconds} s; written to bench/results.json`,
    '',
  ].join('\n');
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: watchdog fired after ${WATCHDOG_MS} ms; aborting\n`);
  cleanup();
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

try {
  await main();
} catch (cause) {
  process.stderr.write(
    `bench failed: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`,
  );
  process.exitCode = 1;
} finally {
  cleanup();
  // Every client and child is closed; leave even if a stray handle would keep the process alive.
  setTimeout(() => process.exit(), 500).unref();
}
