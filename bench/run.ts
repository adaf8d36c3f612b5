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
 *  (c) one ping broadcast delivered to 1,000 connected clients, repeated;
 *  (d) 50 pinging clients' latency without and with one extra client that stops reading, and whether
 *      and when that client is cut off (close code 4008) at a 256 KiB outbound bound;
 *  (e) the player app in headless Chromium: time from back online to "synced" for 10 queued actions, and
 *      the size of the JavaScript it loads before its first screen.
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
import { playerAppSync, type PlayerAppResults } from './player-app.js';
import { ONE_SHOT_TARGET_RATIO, RESTART_TARGET_RATIO, startup, type StartupResults } from './startup.js';
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

const DEFAULT_BOUND = 8 * 1024 * 1024;
const SLOW_BOUND = 256 * 1024;
const SLOW_TEXT_BYTES = 1_000;
const MAX_STALL_MS = 20_000;
const BROADCAST_CLIENTS = 1_000;
const BROADCAST_REPEATS = 20;
/** Generous: case (g) first plays a day of 200,000 commands into a data directory. */
const WATCHDOG_MS = 900_000;

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
    ratio: number;
  };
  c: FanOut;
  d: SlowClient & { bound: number; p99Ratio: number; p99RatioWhileAttached: number };
  e: PlayerAppResults;
  g: StartupResults;
  targets: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'g', { readonly target: string; readonly met: boolean }>;
  totalSeconds: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (line: string): void =>
    void process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  const loadAverageAtStart = os.loadavg().map((l) => round(l, 2));

  log('(a) echo baseline');
  const echo = await startEcho();
  const echo1 = await rawRoundTrips(echo, false, 1);
  const echo50 = await rawRoundTrips(echo, false, 50);
  await echo.stop();
  log('(a) engine ping');
  const engineA = await startEngine(DEFAULT_BOUND);
  const ping1 = await rawRoundTrips(engineA, true, 1);
  const ping50 = await rawRoundTrips(engineA, true, 50);
  const libraryPing1 = await libraryPings(engineA, 1);
  const libraryPing50 = await libraryPings(engineA, 50);
  const textPing50 = await libraryPings(engineA, 50, 'hello');
  await engineA.stop();

  log('(b) player.add and raw SQLite');
  const engineB = await startEngine(DEFAULT_BOUND);
  const playerAdd50 = await playerAdds(engineB, 50, false);
  const playerAdd50Watching = await playerAdds(engineB, 50, true);
  await engineB.stop();
  const rawSqlite = rawSqliteInserts();

  log(`(c) broadcast to ${BROADCAST_CLIENTS} clients`);
  const engineC = await startEngine(DEFAULT_BOUND);
  const c = await fanOut(engineC, BROADCAST_CLIENTS, BROADCAST_REPEATS);
  await engineC.stop();

  log('(d) stalled client');
  const engineD = await startEngine(SLOW_BOUND);
  const d = await slowClient(engineD, 50, SLOW_TEXT_BYTES, MAX_STALL_MS);
  await engineD.stop();

  log('(e) player app: back online to synced');
  const e = await playerAppSync();

  const g = await startup(log);

  const ratioAt50 = ping50.perSecond / echo50.perSecond;
  const addRatio = playerAdd50.perSecond / rawSqlite.perSecond;
  const p99Ratio = d.withStalled.p99Ms / d.baseline.p99Ms;
  const p99RatioWhileAttached = d.whileStalledAttached.p99Ms / d.baseline.p99Ms;
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
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      tmpdir: os.tmpdir(),
      slowClientBoundBytes: SLOW_BOUND,
      slowClientTextBytes: SLOW_TEXT_BYTES,
    },
    a: {
      echo1,
      echo50,
      ping1,
      ping50,
      libraryPing1,
      libraryPing50,
      textPing50,
      ratioAt50: round(ratioAt50, 3),
    },
    b: { playerAdd50, playerAdd50Watching, rawSqlite, ratio: round(addRatio, 2) },
    c,
    d: {
      ...d,
      bound: SLOW_BOUND,
      p99Ratio: round(p99Ratio, 2),
      p99RatioWhileAttached: round(p99RatioWhileAttached, 2),
    },
    e,
    g,
    targets: {
      a: { target: 'engine/echo ops/s at 50 clients >= 0.5', met: ratioAt50 >= 0.5 },
      b: {
        target: 'player.add/raw SQLite >= 3x and p99 < 20 ms',
        met: addRatio >= 3 && playerAdd50.p99Ms < 20 && playerAdd50.errors === 0,
      },
      c: { target: 'p99 < 50 ms, every delivery', met: c.p99Ms < 50 && c.missing === 0 },
      d: {
        target: 'p99 with stalled client <= 1.5x without; cut off with 4008',
        met: Math.max(p99Ratio, p99RatioWhileAttached) <= 1.5 && d.closeCode === 4008,
      },
      e: {
        target: `${e.queued} queued actions synced <= 2 s after back online; initial JS <= 150 kB gzip`,
        met: Math.max(...e.syncMs) <= 2_000 && e.initialJsGzipBytes <= e.budgetBytes,
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
    'commits/s',
    'req/commit',
    'commit ms',
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
      s.cpu?.commitsPerSecond === undefined ? '-' : String(s.cpu.commitsPerSecond),
      s.cpu?.requestsPerCommit === undefined ? '-' : String(s.cpu.requestsPerCommit),
      s.cpu?.commitMs === undefined ? '-' : s.cpu.commitMs.toFixed(2),
      String(s.errors),
    ]);
  };
  row('(a) echo server, raw ws, 1 client', r.a.echo1);
  row('(a) echo server, raw ws, 50 clients', r.a.echo50);
  row('(a) engine ping, raw ws, 1 client', r.a.ping1);
  row('(a) engine ping, raw ws, 50 clients', r.a.ping50);
  row('(a) engine ping, library, 1 client', r.a.libraryPing1);
  row('(a) engine ping, library, 50 clients', r.a.libraryPing50);
  row('    ping with text (broadcast to all), 50', r.a.textPing50);
  row('(b) engine player.add, library, 50 clients', r.b.playerAdd50);
  row('    same, all 50 receive every broadcast', r.b.playerAdd50Watching);
  row('(b) raw SQLite insert+commit (FULL, WAL)', r.b.rawSqlite);
  row(`(d) 50 pings (${r.d.textBytes} B text), no stall`, r.d.baseline);
  row('(d) same + 1 stalled client', r.d.withStalled);
  row('(d)   ... until it was cut off', r.d.whileStalledAttached);
  const widths = header.map((_, i) => Math.max(...rows.map((x) => (x[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const met = (key: 'a' | 'b' | 'c' | 'd' | 'e' | 'g'): string => (r.targets[key].met ? 'met' : 'MISSED');
  return [
    `truinlag benchmark — node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.date}`,
    `load average at start ${r.machine.loadAverageAtStart.join(' ')}, at end ${r.machine.loadAverageAtEnd.join(' ')}`,
    `setup: ${r.setup.servers}; ${r.setup.warmupMs} ms warm-up + ${r.setup.durationMs} ms measured per case`,
    'CPU = % of one core over the measured window: server child / bench process (clients) / whole machine' +
      ` (${r.machine.cpus * 100}% = every core busy); srv µs/op = server CPU time per operation;`,
    "commits/s, req/commit, commit ms = the engine's group commits (answered requests per commit, mean time of one commit incl. fsync)",
    '',
    line(header),
    ...rows.slice(1).map(line),
    '',
    `(c) one ping broadcast to ${r.c.clients} clients, ${r.c.repeats} times: p50 ${r.c.p50Ms} ms, p99 ${r.c.p99Ms} ms, ` +
      `max ${r.c.maxMs} ms; first client p50 ${r.c.firstDeliveryP50Ms} ms, last client p50 ${r.c.lastDeliveryP50Ms} ms; ` +
      `sender's response p50 ${r.c.senderResponseP50Ms} ms; missing ${r.c.missing}`,
    `(d) stalled client: cut off ${r.d.cutOffAfterMs === null ? 'never' : `${r.d.cutOffAfterMs} ms after it stopped reading`}, ` +
      `close code ${r.d.closeCode ?? 'none'} (bound ${r.d.bound} B); ${r.d.bytesReadAfterResume} B were still buffered in the kernel`,
    '',
    'targets:',
    `  (a) engine/echo at 50 clients = ${r.a.ratioAt50} (>= 0.5): ${met('a')}`,
    `  (b) player.add / raw SQLite = ${r.b.ratio}x, p99 ${r.b.playerAdd50.p99Ms} ms (>= 3x, p99 < 20 ms): ${met('b')}`,
    `  (c) broadcast p99 ${r.c.p99Ms} ms (< 50 ms): ${met('c')}`,
    `  (d) p99 with/without stalled client = ${r.d.p99Ratio}x (until cut-off ${r.d.p99RatioWhileAttached}x), ` +
      `close ${r.d.closeCode ?? 'none'} (<= 1.5x, 4008): ${met('d')}`,
    `  (e) player app: ${r.e.queued} queued actions synced ${r.e.syncMs.join(' / ')} ms after back online (<= 2000 ms); ` +
      `initial JS ${(r.e.initialJsGzipBytes / 1024).toFixed(1)} kB gzip (<= ${r.e.budgetBytes / 1024} kB): ${met('e')}`,
    `  (g) start-up vs node -e 0 (${r.g.nodeMs} ms): restart with a day of ${r.g.dayCommands} commands ` +
      `${r.g.restartMs} ms = ${r.g.restartRatio}x (empty data ${r.g.emptyStartMs} ms); slowest CLI one-shot ` +
      `${r.g.worstOneShotRatio}x (${Object.entries(r.g.oneShotMs)
        .map(([line, ms]) => `${line.split(' --socket')[0] ?? line} ${ms} ms`)
        .join(', ')}) (<= ${RESTART_TARGET_RATIO}x, <= ${ONE_SHOT_TARGET_RATIO}x): ${met('g')}`,
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
