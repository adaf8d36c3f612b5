/**
 * Benchmark plumbing: server children, CPU meters, closed loops, statistics and the two client kinds.
 * Nothing here measures anything by itself; bench/cases.ts does, bench/run.ts runs the cases.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { connect, type TruinlagClient } from '../src/client/node.js';
import { PROTOCOL_VERSION } from '../src/protocol/version.js';
import type { ChildReply, CommitStats, ParentCommand } from './ipc.js';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(BENCH_DIR, '..');
export const WARMUP_MS = 1_000;
export const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1_000;
const MAX_OPS_PER_CLIENT = 2_000_000;

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();

/** A fresh temp dir (short path: the server's Unix socket lives in it); removed by `cleanup`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(os.tmpdir(), 'tl-'));
  tempDirs.push(dir);
  return dir;
}

/** Kills any child still running and removes every temp dir. */
export function cleanup(): void {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the promise's value, or rejects after `ms` naming `what`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------
// Server children
// ---------------------------------------------------------------------------------------------------

export interface Child {
  readonly url: string;
  /** The engine's admin token: bench clients say hello with it (without one a connection is a guest). */
  readonly token: string | undefined;
  cpu(): Promise<{
    usage: NodeJS.CpuUsage;
    loopMicros: number | null;
    peers: number;
    commits: CommitStats | null;
  }>;
  /** Reports each detached connection (engine only) while on. */
  watch(on: boolean, onDetached?: (at: number, peers: number) => void): void;
  stop(): Promise<void>;
}

async function startChild(script: string, args: readonly string[]): Promise<Child> {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const child = fork(join(BENCH_DIR, script), [...args], {
    cwd: ROOT,
    // BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of each server child there (for diagnosis).
    execArgv: [
      '--import',
      'tsx',
      ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const waiters: ((reply: ChildReply) => boolean)[] = [];
  let onDetached: ((at: number, peers: number) => void) | undefined;
  child.on('message', (reply: ChildReply) => {
    if (reply.kind === 'detached') onDetached?.(reply.at, reply.peers);
    const index = waiters.findIndex((w) => w(reply));
    if (index >= 0) waiters.splice(index, 1);
  });
  const next = <K extends ChildReply['kind']>(kind: K): Promise<Extract<ChildReply, { kind: K }>> =>
    within(
      20_000,
      `${script}: ${kind}`,
      new Promise((resolve, reject) => {
        const exited = (code: number | null): void =>
          reject(new Error(`${script} exited (${code}) before "${kind}"`));
        child.once('exit', exited);
        waiters.push((reply) => {
          if (reply.kind !== kind) return false;
          child.off('exit', exited);
          resolve(reply as Extract<ChildReply, { kind: K }>);
          return true;
        });
      }),
    );
  const command = (message: ParentCommand): void => {
    if (child.connected) child.send(message);
  };
  const ready = await next('ready');
  return {
    url: ready.url,
    token: ready.token ?? undefined,
    cpu: async () => {
      const reply = next('cpu');
      command({ kind: 'cpu' });
      const { usage, loopMicros, peers, commits } = await reply;
      return { usage, loopMicros, peers, commits };
    },
    watch: (on, listener) => {
      onDetached = listener;
      command({ kind: 'watch', on });
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      command({ kind: 'stop' });
      try {
        await within(15_000, `${script} to exit`, exited);
      } catch {
        child.kill('SIGKILL');
      }
    },
  };
}

/** The engine server in a child process: fresh data dir, 127.0.0.1, port 0, the given queue bound. */
export const startEngine = (maxQueueBytes: number): Promise<Child> =>
  startChild('server-child.ts', [tempDir(), String(maxQueueBytes)]);

/** The baselines: a plain `ws` echo and fan-out server in a child process, with a data dir for its SQLite log. */
export const startEcho = (): Promise<Child> => startChild('echo-child.ts', [tempDir()]);

/**
 * Pings from a client in its own process (pinger-child.ts), closed loop, over a warm-up and a measured
 * window of `durationMs`: the latencies it saw, summarised.
 */
export async function pingsFromChild(server: Child, durationMs = DURATION_MS): Promise<Summary> {
  const child = fork(
    join(BENCH_DIR, 'pinger-child.ts'),
    [server.url, server.token ?? '', String(WARMUP_MS), String(durationMs)],
    { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const report = await within(
    WARMUP_MS + durationMs + 20_000,
    'pinger child',
    new Promise<{ latencies: number[]; seconds: number }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { latencies: number[]; seconds: number }));
      child.once('exit', (code) => reject(new Error(`pinger child exited (${code}) without a report`)));
    }),
  );
  return summarise(report.latencies, report.seconds);
}

// ---------------------------------------------------------------------------------------------------
// CPU meters
// ---------------------------------------------------------------------------------------------------

/** CPU time over a window, in % of one core: the server child, this process, and the whole machine. */
export interface CpuShare {
  readonly server: number;
  /** Engine only: the server's main thread alone (the loop, without the commit writer's thread). */
  readonly loop?: number;
  readonly clients: number;
  /** Every process on the machine (from /proc/stat); what is not server or clients is other load. */
  readonly machine: number | null;
  /** Engine only: group commits per second, answered requests per commit, mean commit time (ms). */
  readonly commitsPerSecond?: number;
  readonly requestsPerCommit?: number;
  readonly commitMs?: number;
  /** Engine only: WAL checkpoints per second (beside or between commits), and the mean time of one (ms). */
  readonly checkpointsPerSecond?: number;
  readonly checkpointMs?: number;
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Starts measuring now; the returned function ends the window and reports the shares. */
export async function cpuMeter(server: Child): Promise<() => Promise<CpuShare>> {
  const wall0 = performance.now();
  const own0 = process.cpuUsage();
  const { usage: srv0, loopMicros: loop0, commits: commits0 } = await server.cpu();
  const machine0 = machineTicks();
  return async () => {
    const wall = performance.now() - wall0;
    const own = process.cpuUsage(own0);
    const { usage: srv, loopMicros: loop1, commits: commits1 } = await server.cpu();
    const machine1 = machineTicks();
    const pct = (micros: number): number => round((micros / 1_000 / wall) * 100, 0);
    const cores = os.cpus().length;
    return {
      server: pct(srv.user - srv0.user + srv.system - srv0.system),
      ...(loop0 === null || loop1 === null ? {} : { loop: pct(loop1 - loop0) }),
      clients: pct(own.user + own.system),
      machine:
        machine0 === undefined || machine1 === undefined || machine1.total === machine0.total
          ? null
          : round(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * cores * 100, 0),
      ...commitShare(commits0, commits1, wall),
    };
  };
}

function commitShare(
  before: CommitStats | null,
  after: CommitStats | null,
  wallMs: number,
): Pick<
  CpuShare,
  'commitsPerSecond' | 'requestsPerCommit' | 'commitMs' | 'checkpointsPerSecond' | 'checkpointMs'
> {
  if (before === null || after === null) return {};
  const commits = after.commits - before.commits;
  const checkpoints = after.checkpoints - before.checkpoints;
  return {
    commitsPerSecond: round((commits / wallMs) * 1_000, 0),
    requestsPerCommit: commits === 0 ? 0 : round((after.answers - before.answers) / commits, 1),
    commitMs: commits === 0 ? 0 : round((after.ms - before.ms) / commits, 2),
    checkpointsPerSecond: round((checkpoints / wallMs) * 1_000, 1),
    checkpointMs: checkpoints === 0 ? 0 : round((after.checkpointMs - before.checkpointMs) / checkpoints, 2),
  };
}

// ---------------------------------------------------------------------------------------------------
// Statistics and closed loops
// ---------------------------------------------------------------------------------------------------

export interface Summary {
  readonly ops: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function summarise(latencies: readonly number[], seconds: number, errors = 0): Summary {
  const sorted = latencies.slice().sort((a, b) => a - b);
  return {
    ops: sorted.length,
    perSecond: round(sorted.length / seconds, 0),
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 3),
    errors,
  };
}

export interface Sample {
  readonly start: number;
  readonly ms: number;
}

export interface LoopRun {
  readonly samples: Sample[];
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly measureStart: number;
  readonly measureEnd: number;
  readonly cpu: CpuShare;
}

export interface LoopHooks {
  /** Called when the measured window starts (after the warm-up). */
  readonly atMeasureStart?: () => void;
  /** The measured window's length (default DURATION_MS); `endBy` can only shorten it. */
  readonly durationMs?: number;
  /** Receives a function that ends the measured window at a given `performance.now()` time. */
  readonly endBy?: (end: (at: number) => void) => void;
}

/**
 * `clients` closed loops, each keeping exactly one operation in flight: a warm-up, then a measured
 * window (CPU is metered over that window). Only operations that start and finish inside the window
 * count. A client whose operation fails stops (its error is counted), so a broken connection cannot
 * spin; every loop is bounded by the window and by MAX_OPS_PER_CLIENT.
 */
export async function closedLoop(
  server: Child,
  clients: number,
  op: (client: number, i: number) => Promise<void>,
  hooks: LoopHooks = {},
): Promise<LoopRun> {
  const begin = performance.now();
  const measureStart = begin + WARMUP_MS;
  let measureEnd = measureStart + (hooks.durationMs ?? DURATION_MS);
  hooks.endBy?.((at) => (measureEnd = Math.max(measureStart, Math.min(measureEnd, at))));
  const samples: Sample[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const meter = sleep(WARMUP_MS).then(() => {
    hooks.atMeasureStart?.();
    return cpuMeter(server);
  });
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = 0; i < MAX_OPS_PER_CLIENT; i++) {
      const start = performance.now();
      if (start >= measureEnd) return;
      try {
        await op(client, i);
      } catch (cause) {
        errors++;
        firstError ??= cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        return;
      }
      const end = performance.now();
      if (start >= measureStart && end <= measureEnd) samples.push({ start, ms: end - start });
    }
  });
  await Promise.all(loops);
  const cpu = await (await meter)();
  return { samples, errors, firstError, measureStart, measureEnd, cpu };
}

export interface LoopSummary extends Summary {
  readonly cpu: CpuShare;
  /** Server CPU time per operation (µs): less sensitive to other load on the machine than ops/s. */
  readonly serverCpuUsPerOp: number;
  /** The same of the main thread alone (engine only): the loop's cost per operation sets its ceiling. */
  readonly loopCpuUsPerOp?: number;
  readonly firstError?: string;
}

export function summariseRun(run: LoopRun): LoopSummary {
  const summary = summarise(
    run.samples.map((s) => s.ms),
    (run.measureEnd - run.measureStart) / 1_000,
    run.errors,
  );
  return {
    ...summary,
    cpu: run.cpu,
    serverCpuUsPerOp: round((run.cpu.server * 10_000) / Math.max(1, summary.perSecond), 0),
    ...(run.cpu.loop === undefined
      ? {}
      : { loopCpuUsPerOp: round((run.cpu.loop * 10_000) / Math.max(1, summary.perSecond), 0) }),
    ...(run.firstError === undefined ? {} : { firstError: run.firstError }),
  };
}

/** Waits (bounded) until the server has at most `count` attached connections. */
export async function waitForPeers(server: Child, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await server.cpu()).peers <= count) return;
    await sleep(10);
  }
  throw new Error('the server still has connections from an earlier case');
}

// ---------------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------------

/** Opens a `ws` socket and, for the engine (`hello` given), says hello as an admin and waits for the welcome. */
export async function openSocket(server: Child, hello: string | undefined): Promise<WebSocket> {
  const socket = new WebSocket(server.url);
  await within(
    10_000,
    'socket open',
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    }),
  );
  if (hello !== undefined) {
    const welcome = new Promise<void>((resolve) =>
      socket.once('message', (data) => {
        if ((data as Buffer).toString().startsWith('{"type":"welcome"')) resolve();
      }),
    );
    socket.send(
      JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, client: hello, token: server.token }),
    );
    await within(10_000, 'welcome', welcome);
  }
  return socket;
}

/**
 * A raw `ws` client, used identically against the engine and the echo server so that their ratio
 * compares servers, not client libraries. It waits for the one message starting with `prefix` (the
 * engine's response, or the echoed request), parses it and checks its id; other frames (the engine's
 * broadcasts) are dropped after a look at their first bytes.
 */
export class RawClient {
  private waiter: ((data: Buffer) => void) | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private readonly prefix: string,
  ) {
    socket.on('message', (data) => {
      const buffer = data as Buffer;
      if (buffer.toString('latin1', 0, this.prefix.length) !== this.prefix) return;
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.(buffer);
    });
  }

  static async open(server: Child, engine: boolean, name: string): Promise<RawClient> {
    const socket = await openSocket(server, engine ? name : undefined);
    return new RawClient(socket, engine ? '{"type":"response"' : '{"type":"request"');
  }

  async roundTrip(frame: string, id: string): Promise<void> {
    const reply = new Promise<Buffer>((resolve) => (this.waiter = resolve));
    this.socket.send(frame);
    const message = JSON.parse((await reply).toString()) as { id?: unknown; ok?: unknown };
    if (message.id !== id) throw new Error(`answer for ${String(message.id)}, expected ${id}`);
    if (message.ok === false) throw new Error(`refused: ${JSON.stringify(message)}`);
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Library clients (`connect` from src/client/node.ts) with the admin token, opened 100 at a time;
 * `broadcasts: false` makes them command-only connections.
 */
export async function openLibraryClients(
  server: Child,
  count: number,
  { broadcasts = true } = {},
): Promise<TruinlagClient[]> {
  const clients: TruinlagClient[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, () =>
      connect({
        url: server.url,
        token: server.token,
        reconnect: false,
        requestTimeoutMs: 30_000,
        broadcasts,
      }),
    );
    clients.push(...batch);
    await within(30_000, 'library clients to connect', Promise.all(batch.map((c) => c.ready)));
  }
  return clients;
}

export const closeAll = (clients: readonly { close(): void }[]): void => {
  for (const c of clients) c.close();
};
