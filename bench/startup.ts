/**
 * Case (g), start-up: a restart of the built server (the bundle `npm start` runs) with a full day's data directory, to its first answer,
 * and the CLI's one-shot commands against a running server, each as a ratio to `node -e 0` (the cost of
 * starting Node at all) measured in the same run. Every time is spawn to exit (or to the first answer)
 * of a fresh process, as a user meets it; the median of the repeats.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { connect, type TruinlagClient } from '../src/client/node.js';
import { BUILT_CLI } from '../test/helpers/server.js';
import { BENCH_DIR, percentile, round, tempDir, within } from './harness.js';

const CLI = join(BENCH_DIR, '..', BUILT_CLI);
/** Commands of a synthetic full day (the measured day had 202,084). */
const DAY_COMMANDS = Number(process.env.BENCH_DAY_COMMANDS ?? 200_000);
const DAY_PLAYERS = 30;
const FILL_CLIENTS = 30;
/** Requests each filling client keeps in flight (so that commits group as they do on a busy day). */
const FILL_WINDOW = 16;
const REPEATS = Number(process.env.BENCH_START_REPEATS ?? 7);

/**
 * The targets, 1 s to the first answer after a restart and 300 ms for a one-shot call, as ratios
 * to `node -e 0`, which took 124 ms where they were set (the one-shot's 745 ms was 6x it).
 */
export const RESTART_TARGET_RATIO = 8;
export const ONE_SHOT_TARGET_RATIO = 2.4;

export interface StartupResults {
  readonly dayCommands: number;
  readonly repeats: number;
  /** `node -e 0`, spawn to exit (ms, median). */
  readonly nodeMs: number;
  /** `truinlag serve` on the full day's data directory, spawn to the first answer of a ping (ms, median). */
  readonly restartMs: number;
  /** The same on an empty data directory (what the code alone costs). */
  readonly emptyStartMs: number;
  /** One-shot CLI calls, spawn to exit (ms, median), by command line. */
  readonly oneShotMs: Readonly<Record<string, number>>;
  readonly restartRatio: number;
  readonly worstOneShotRatio: number;
}

/** Fills a data directory with a day, then times restarts and one-shot calls against it. */
export async function startup(log: (line: string) => void): Promise<StartupResults> {
  const nodeMs = await medianOf(() => timedExit(['-e', '0']));
  const empty = tempDir();
  const emptyStartMs = await medianOf(() => timedStart(empty));
  const dataDir = tempDir();
  log(`(g) filling a day of ${DAY_COMMANDS} commands`);
  await fillDay(dataDir, DAY_COMMANDS);
  log('(g) restarts and one-shot calls');
  const restartMs = await medianOf(() => timedStart(dataDir));
  const server = await startServing(dataDir);
  const socket = ['--socket', join(dataDir, 'truinlag.sock')];
  const lines = [['--version'], ['help'], ['ping', ...socket], ['player', 'list', ...socket]];
  const oneShotMs: Record<string, number> = {};
  try {
    for (const line of lines) oneShotMs[line.join(' ')] = await medianOf(() => timedExit([CLI, ...line]));
  } finally {
    await stop(server.child);
  }
  return {
    dayCommands: DAY_COMMANDS,
    repeats: REPEATS,
    nodeMs,
    restartMs,
    emptyStartMs,
    oneShotMs,
    restartRatio: round(restartMs / nodeMs, 2),
    worstOneShotRatio: round(Math.max(...Object.values(oneShotMs)) / nodeMs, 2),
  };
}

async function medianOf(run: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await run());
  return round(
    percentile(
      times.sort((a, b) => a - b),
      50,
    ),
    1,
  );
}

/** Milliseconds from spawning `node ...args` to its exit (which must be clean). */
async function timedExit(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`);
  return performance.now() - started;
}

interface Serving {
  readonly child: ChildProcess;
  readonly client: TruinlagClient;
  /** Milliseconds from spawn to the first answer. */
  readonly firstAnswerMs: number;
}

/** Starts `truinlag serve` on the data directory and pings it over its socket as soon as it listens. */
async function startServing(dataDir: string): Promise<Serving> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TRUINLAG_LOG_LEVEL: 'error' },
  });
  let out = '';
  await within(
    60_000,
    'serve to listen',
    new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('local socket:')) resolve();
      });
    }),
  );
  const client = connect({ socket: join(dataDir, 'truinlag.sock'), reconnect: false });
  await client.request({ type: 'ping' });
  return { child, client, firstAnswerMs: performance.now() - started };
}

async function timedStart(dataDir: string): Promise<number> {
  const { child, client, firstAnswerMs } = await startServing(dataDir);
  client.close();
  await stop(child);
  return firstAnswerMs;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await within(30_000, 'serve to exit', exited);
}

/**
 * A day's rows, made through the real server: 30 players added, then text pings (each a durable
 * broadcast whose answer is kept, IDEMPOTENCY-5) from 30 connections of the local socket (admins), as
 * many as a day's commands.
 */
export async function fillDay(dataDir: string, commands: number): Promise<void> {
  const { child, client } = await startServing(dataDir);
  try {
    for (let p = 0; p < DAY_PLAYERS; p++)
      await client.request({ type: 'player.add', name: `Player ${p}`, passphrase: `bench day player ${p}` });
    const socket = join(dataDir, 'truinlag.sock');
    const fillers = Array.from({ length: FILL_CLIENTS }, () =>
      connect({ socket, reconnect: false, broadcasts: false, requestTimeoutMs: 60_000 }),
    );
    let next = 0;
    const lane = async (filler: TruinlagClient): Promise<void> => {
      while (next < commands) {
        const n = next++;
        await filler.request({ type: 'ping', text: `location of the day #${n}` });
      }
    };
    await Promise.all(fillers.flatMap((filler) => Array.from({ length: FILL_WINDOW }, () => lane(filler))));
    for (const filler of fillers) filler.close();
  } finally {
    client.close();
    await stop(child);
  }
}
