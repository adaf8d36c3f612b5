import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { TruinlagClient } from '../../../src/client/client.js';
import type { ClientOptions } from '../../../src/client/options.js';
import { webSocketTransport, type WebSocketConstructor } from '../../../src/client/transport.js';
import { ADMIN_TOKEN_FILE, loadOrCreateSecrets, SECRET_FILE } from '../../../src/runtime/secrets.js';
import { childEnv, cliEntry, REPO_ROOT } from '../../helpers/server.js';
import { found } from '../../helpers/found.js';
import { tempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait.js';
import { freePort } from './nats-cluster.js';

/** Lease time of the test nodes: short, so that a takeover after a kill fits well inside 10 s. */
export const TEST_LEASE_MS = 2_000;

/**
 * The environment of the test nodes: the short lease, warnings only, and the single-lease mode (CLUSTER-1 to
 * CLUSTER-17), which these helpers' tests play; per-session ownership, the default, is `startPartsNode`'s.
 */
const ENGINE_NODE_ENV = {
  TRUINLAG_LOG_LEVEL: 'warn',
  TRUINLAG_LEASE_MS: String(TEST_LEASE_MS),
  TRUINLAG_OWNERSHIP: 'engine',
} as const;

/** One `truinlag serve --nats … --node …` child process and what it printed. */
export interface NodeProcess {
  readonly name: string;
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** The roles it announced so far, oldest first (`standby`, `owner`, `stopped`). */
  readonly roles: string[];
  readonly exited: Promise<void>;
  output(): string;
  signal(signal: NodeJS.Signals): void;
}

/**
 * Every node these helpers started that has not exited: a node whose sibling failed to start (in a
 * `Promise.all`) is in no test's list, and would otherwise live on into the next test.
 */
const started = new Set<NodeProcess>();

/**
 * Data directories for `count` nodes of one cluster: the first gets new secrets, the others copies of them
 * (every node must check passphrases and admin tokens alike, CLUSTER-13). With `secretsOf` (a data
 * directory of an earlier set on the same NATS cluster) every one gets copies of that one's instead: the
 * cluster refuses nodes with other secrets. Returns the directories and the admin token.
 */
export function clusterDataDirs(count: number, secretsOf?: string): { dirs: string[]; adminToken: string } {
  const dirs = Array.from({ length: count }, () => tempDir());
  const source = secretsOf ?? found(dirs[0], 'a data directory (count must be at least 1)');
  const { adminToken } = loadOrCreateSecrets(source);
  for (const dir of dirs.filter((d) => d !== source))
    for (const file of [SECRET_FILE, ADMIN_TOKEN_FILE]) copyFileSync(join(source, file), join(dir, file));
  return { dirs, adminToken };
}

/**
 * Starts a node (from dist when TRUINLAG_TEST_DIST=1) and resolves once it has announced standby: of the
 * single-lease mode unless `env` says otherwise (`TRUINLAG_OWNERSHIP: 'parts'`, as `startPartsNode`);
 * `env` adds to its environment (`TRUINLAG_MAX_QUEUE_BYTES`, …).
 */
export async function startNode(
  name: string,
  dataDir: string,
  natsUrls: string,
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  const port = await freePort();
  const args = ['serve', '--port', String(port), '--data', dataDir, '--nats', natsUrls, '--node', name];
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: REPO_ROOT,
    env: childEnv({ ...ENGINE_NODE_ENV, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let printed = '';
  const roles: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (text += chunk));
  child.stdout.on('data', (chunk: string) => {
    text += chunk;
    printed += chunk;
    // Whole lines only: a chunk may end inside one.
    const lines = printed.slice(0, printed.lastIndexOf('\n') + 1);
    const announced = [
      ...lines.matchAll(/^node \S+ (standby|owner|stopped|serving|handed-over|lost):/gm),
    ].map((m) => m[1] as string);
    roles.splice(0, roles.length, ...announced);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const node: NodeProcess = {
    name,
    url: `ws://127.0.0.1:${port}`,
    dataDir,
    child,
    roles,
    exited,
    output: () => text,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  started.add(node);
  void exited.then(() => started.delete(node));
  await waitFor(() => roles.length > 0 || child.exitCode !== null, 60_000, `node ${name} start`, 50).catch(
    (error: unknown) => {
      throw new Error(`${String(error)}\n${text.slice(-4_000)}`);
    },
  );
  if (roles.length === 0) throw new Error(`node ${name} exited before standby:\n${text}`);
  return node;
}

/**
 * Runs `truinlag` with `args` to its end (at most `limitMs`, then SIGKILL): its exit code (null: it was
 * still running) and everything it printed. For a node that must refuse to start.
 */
export function runToEnd(args: string[], limitMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: REPO_ROOT,
    env: childEnv(ENGINE_NODE_ENV),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, output });
    }, limitMs);
    child.once('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, output });
    });
  });
}

/**
 * The node whose last announced role is `owner` among `nodes`, once there is one (waits up to
 * `timeoutMs`; on timeout the error carries what the nodes printed).
 */
export function owner(nodes: readonly NodeProcess[], timeoutMs = 15_000): Promise<NodeProcess> {
  return waitFor(
    () => nodes.find((n) => n.child.exitCode === null && n.roles.at(-1) === 'owner'),
    timeoutMs,
    'an owner',
    20,
  ).catch((error: unknown) => {
    const printed = nodes.map((n) => `--- ${n.name}\n${n.output().slice(-4_000)}`).join('\n');
    throw new Error(`${String(error)}\n${printed}`);
  });
}

/**
 * SIGKILLs the given nodes, and every other node started here that still runs, and waits for them to be
 * gone.
 */
export async function killNodes(nodes: readonly NodeProcess[]): Promise<void> {
  const all = [...new Set([...nodes, ...started])];
  for (const node of all) {
    node.signal('SIGCONT');
    node.signal('SIGKILL');
  }
  await Promise.all(all.map((n) => n.exited));
}

/**
 * The `ws` WebSocket, writing down each URL it opens in `reached`: which node a client went to, on each
 * (re)connect, as the client library's own URL list chose it.
 */
function recordingWebSocket(reached: string[]): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      reached.push(url);
    }
  } as unknown as WebSocketConstructor;
}

/**
 * A client of the given node URLs through the client library's URL list (a random one first, the next one
 * on each reconnect: a node that cannot relay to an owner closes with RELAY_LOST, and the client moves
 * on), with quick retries. `reached` collects the URL of every connection it opened, oldest first.
 */
export function urlClient(
  urls: readonly string[],
  options: ClientOptions = {},
  reached: string[] = [],
): TruinlagClient {
  return new TruinlagClient(webSocketTransport(urls, recordingWebSocket(reached)), {
    backoff: { initialMs: 50, maxMs: 300 },
    requestTimeoutMs: 30_000,
    ...options,
  });
}

/**
 * A client of every URL in `urls` whose first connection goes to `start`: the client library starts at
 * a random URL of its list, so clients are made (and closed at once) until one starts there.
 */
export function clientStartingOn(
  start: string,
  urls: readonly string[],
  options: ClientOptions = {},
): TruinlagClient {
  for (let attempt = 0; attempt < 100; attempt++) {
    const reached: string[] = [];
    const client = urlClient(urls, options, reached);
    if (reached[0] === start) return client;
    client.close();
  }
  throw new Error(`no client started on ${start} in 100 attempts`);
}

/** A client of the whole cluster: every node's URL, quick retries. */
export function clusterClient(nodes: readonly NodeProcess[], options: ClientOptions): TruinlagClient {
  return urlClient(
    nodes.map((n) => n.url),
    options,
  );
}

/** What a node's `/readyz` answers: its status and body. */
export async function readiness(node: NodeProcess): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${node.url.replace('ws://', 'http://')}/readyz`);
  return { status: response.status, body: await response.json() };
}

/**
 * Waits until a standby knows `owner` as the engine's owner (it reads the lease each quarter of the lease
 * time): from then on it relays its clients there.
 */
export async function standbyReady(standby: NodeProcess, owner: NodeProcess): Promise<void> {
  await waitFor(
    async () => {
      const { status, body } = await readiness(standby);
      return status === 200 && (body as { owner?: { node?: string } }).owner?.node === owner.name;
    },
    // Ten looks at the lease, with room for a loaded machine's timeouts in between.
    TEST_LEASE_MS * 10,
    `standby ${standby.name} naming ${owner.name}`,
    50,
  ).catch((error: unknown) => {
    const printed = [standby, owner].map((n) => `--- ${n.name}\n${n.output().slice(-4_000)}`).join('\n');
    throw new Error(`${String(error)}\n${printed}`);
  });
}
