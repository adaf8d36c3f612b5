/**
 * The second baseline of durable commands: Redis with `appendonly yes` and `appendfsync always` (every
 * write is in the fsynced append-only file before it is answered, as truinlag's answers wait for their
 * commit), driven by `redis-benchmark -c 50 -t set` on the same machine in the same run. Debian's
 * redis-server and redis-benchmark are used when installed; without them the case is skipped (null).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { sleep, tempDir, within } from './harness.js';

export interface RedisSets {
  readonly clients: number;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Enough SETs for a few seconds at fsync-per-write rates on ordinary disks. */
const REQUESTS = 40_000;

/** `redis-benchmark -c <clients> -t set` against a fresh redis-server that fsyncs every write. */
export async function redisFsyncSets(clients: number): Promise<RedisSets | null> {
  if (!installed('redis-server') || !installed('redis-benchmark')) return null;
  const port = await freePort();
  const dir = tempDir();
  const server = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
      ...['--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'no'],
    ],
    { stdio: 'ignore' },
  );
  try {
    await untilAnswering(port);
    const run = spawnSync(
      'redis-benchmark',
      ['-p', String(port), '-c', String(clients), '-n', String(REQUESTS), '-t', 'set', '--csv'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    return { clients, requests: REQUESTS, ...parseCsv(run.stdout) };
  } finally {
    await stop(server);
  }
}

/**
 * The SET line of redis-benchmark's CSV: "test","rps","avg_latency_ms","min_latency_ms",
 * "p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms".
 */
function parseCsv(out: string): Pick<RedisSets, 'perSecond' | 'p50Ms' | 'p99Ms'> {
  const line = out.split('\n').find((l) => l.startsWith('"SET"'));
  if (line === undefined) throw new Error(`redis-benchmark printed no SET line: ${out}`);
  const cells = line.split(',').map((cell) => Number(cell.replaceAll('"', '')));
  return { perSecond: Math.round(cells[1] ?? NaN), p50Ms: cells[4] ?? NaN, p99Ms: cells[6] ?? NaN };
}

function installed(command: string): boolean {
  return spawnSync('which', [command], { stdio: 'ignore' }).status === 0;
}

/** A port nobody listens on now (the kernel's choice for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port was free')),
      );
    });
  });
}

async function untilAnswering(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout.trim() === 'PONG') return;
    await sleep(25);
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  await within(10_000, 'redis-server to exit', exited).catch(() => server.kill('SIGKILL'));
}
