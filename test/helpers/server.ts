import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { resolveServerConfig, SOCKET_FILE, type ServerConfigInput } from '../../src/server/config.js';
import { startServer, type RunningServer, type ServerExtras } from '../../src/server/server.js';
import type { EdgeLimits } from '../../src/transport/limits.js';
import { tempDir } from './temp.js';
import { withTimeout } from './wait.js';

/**
 * A per-test timeout for tests that start child processes: each one compiles the sources through tsx
 * on start, which takes seconds on a loaded machine (pass it as `describe(name, { timeout }, …)`).
 */
export const CHILD_PROCESS_TEST_MS = 180_000;

/** How long a child process may take to start and print its banner. */
export const CHILD_START_MS = 60_000;

/** The repository root (the working directory for child processes). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Tests store pictures whatever this machine's free disk (CI machines have had less than the default
 * reserve); the reserve itself is tested with one larger than the disk (PICTURE-10).
 */
const NO_DISK_RESERVE = '0';

/**
 * Environment for child processes: no TRUINLAG_* settings leak in from the developer's shell, and no
 * picture disk reserve (`NO_DISK_RESERVE`) unless `extra` asks for one.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TRUINLAG_')) env[key] = value;
  return { ...env, TRUINLAG_PICTURE_DISK_RESERVE_BYTES: NO_DISK_RESERVE, ...extra };
}

export interface TestServer {
  readonly url: string;
  readonly socketPath: string;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly server: RunningServer;
  /** Shuts the server down (idempotent; also fine after a `server.shutdown` command). */
  stop(): Promise<void>;
}

const inProcess = new Set<TestServer>();

const PLENTY = { burst: 1_000_000, perSecond: 1_000_000 };

/**
 * Request and connection limits that tests of other things never reach: every test connects from
 * 127.0.0.1, and many send far more than a phone would. The hello deadline and the login throttle stay
 * as they are; the tests of the limits themselves (test/limits) choose their own.
 */
export const ROOMY_LIMITS: Partial<EdgeLimits> = {
  connectionsPerAddress: 1_000_000,
  requests: {
    guest: { connection: PLENTY, address: PLENTY },
    player: { connection: PLENTY, address: PLENTY },
  },
};

/**
 * Starts a real server in this process on port 0 (WebSocket on 127.0.0.1) with its Unix socket in the
 * data directory (a fresh temp directory unless one is given). Logs are silent; request and connection
 * limits are roomy and there is no picture disk reserve unless `config` says otherwise.
 */
export async function startTestServer(
  options: ServerExtras & { dataDir?: string; config?: Omit<ServerConfigInput, 'dataDir'> } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const config = resolveServerConfig(
    {
      port: 0,
      host: '127.0.0.1',
      socketPath: join(dataDir, SOCKET_FILE),
      logLevel: 'silent',
      limits: ROOMY_LIMITS,
      pictureDiskReserveBytes: Number(NO_DISK_RESERVE),
      ...options.config,
      dataDir,
    },
    {},
  );
  const server = await startServer(config, options);
  const handle: TestServer = {
    url: server.url,
    socketPath: server.socketPath,
    dataDir: config.dataDir,
    adminToken: server.adminToken,
    server,
    stop: async () => {
      inProcess.delete(handle);
      await server.shutdown();
    },
  };
  inProcess.add(handle);
  return handle;
}

/** Stops every in-process server this file started and has not stopped yet (for afterEach). */
export async function stopTestServers(): Promise<void> {
  await Promise.all([...inProcess].map((s) => s.stop()));
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnedServer {
  readonly url: string;
  readonly socketPath: string;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** What the process printed so far. */
  output(): { stdout: string; stderr: string };
  /** Sends a signal (default SIGTERM) and resolves with the exit status. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
}

const children = new Set<ChildProcess>();

/**
 * Runs `truinlag serve --port 0 --data <dataDir>` as a child process (from source, through tsx) and
 * resolves once it has printed its WebSocket URL and local socket path. Rejects, with the child's
 * output, if it exits before that or takes longer than `timeoutMs`. `stderrFd` sends the child's stderr
 * to that file descriptor instead of capturing it.
 */
export async function spawnServer(
  dataDir: string,
  options: { timeoutMs?: number; env?: Record<string, string>; stderrFd?: number } = {},
): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [...cliEntry(), 'serve', '--port', '0', '--data', dataDir], {
    cwd: REPO_ROOT,
    env: childEnv({ TRUINLAG_LOG_LEVEL: 'warn', ...options.env }),
    stdio: ['ignore', 'pipe', options.stderrFd ?? 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  // Piped above, so never null (the type cannot tell once stderr may be a descriptor).
  const out = child.stdout as Readable;
  out.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => (stderr += text));
  const exited = new Promise<ExitStatus>((resolveExit) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolveExit({ code, signal });
    }),
  );
  const banner = new Promise<{ url: string; socketPath: string }>((resolveBanner, reject) => {
    out.on('data', (text: string) => {
      stdout += text;
      const url = /WebSocket:\s+(ws:\/\/\S+)/.exec(stdout)?.[1];
      const socketPath = /local socket:\s+(\S+)/.exec(stdout)?.[1];
      if (url !== undefined && socketPath !== undefined) resolveBanner({ url, socketPath });
    });
    void exited.then((status) =>
      reject(
        new Error(
          `server exited (code ${status.code}, signal ${status.signal}) before listening:\n${stdout}\n${stderr}`,
        ),
      ),
    );
  });
  let started: { url: string; socketPath: string };
  try {
    started = await withTimeout(banner, options.timeoutMs ?? CHILD_START_MS, 'spawned server start');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    ...started,
    dataDir,
    adminToken: readFileSync(join(dataDir, 'admin.token'), 'utf8').trim(),
    child,
    exited,
    output: () => ({ stdout, stderr }),
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** SIGKILLs every child server this file spawned that is still running (for afterEach). */
export async function killSpawnedServers(): Promise<void> {
  const running = [...children];
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolveExit) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
          child.once('exit', () => resolveExit());
          child.kill('SIGKILL');
        }),
    ),
  );
  children.clear();
}

/** The built CLI as the package ships it (package.json `bin`, `npm start`): the bundle of scripts/bundle.ts. */
export const BUILT_CLI = 'dist/bin/truinlag.js';

/**
 * How to start the CLI in a child process: from source through tsx, or — when `npm test` has just built
 * it and says so with TRUINLAG_TEST_DIST=1 — the built bundle, which starts several times faster on a
 * loaded machine and is what users run.
 */
export function cliEntry(): string[] {
  return process.env.TRUINLAG_TEST_DIST === '1' ? [BUILT_CLI] : ['--import', 'tsx', 'src/cli/main.ts'];
}
