import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { tempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait.js';

/** Debian's NATS server (installed by .ci/run). */
const NATS_SERVER = '/usr/sbin/nats-server';

/** One nats-server of the test cluster: its client URL and how to stop and restart it. */
export interface NatsServer {
  readonly name: string;
  readonly url: string;
  readonly running: boolean;
  /** Sends a signal (default SIGKILL) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports and store directory. */
  start(): void;
}

/** Three nats-servers clustered on loopback, JetStream on, each storing into its own temp directory. */
export interface NatsCluster {
  readonly servers: readonly NatsServer[];
  /** Every server's client URL, comma-separated (what `serve --nats` takes). */
  readonly urls: string;
  stop(): Promise<void>;
}

/**
 * Ports below Linux's ephemeral range (32768–60999): a port taken from inside it can be handed to some
 * other outgoing connection between our probe and the server's bind, which is how a cluster once failed
 * to start under a loaded CI run.
 */
const TEST_PORTS = { first: 20_000, last: 32_000 };

/** A TCP port on 127.0.0.1 that was free a moment ago, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = TEST_PORTS.first + Math.floor(Math.random() * (TEST_PORTS.last - TEST_PORTS.first));
    if (await portIsFree(port)) return port;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** How often a cluster start is tried with fresh ports before the test fails. */
const START_ATTEMPTS = 3;

/**
 * Starts `size` (default 3) nats-servers as one JetStream cluster and resolves once JetStream answers
 * through every one of them (the meta group has a leader). `maxPayload` sets the servers' largest message
 * (their default is 1 MiB). A start where a server exits (a port taken after all) or JetStream does not
 * answer is stopped and tried again on fresh ports; the last failure carries the servers' logs.
 */
export async function startNatsCluster(size = 3, maxPayload?: number): Promise<NatsCluster> {
  for (let attempt = 1; ; attempt++) {
    const cluster = await startOnce(size, maxPayload);
    try {
      await Promise.race([
        Promise.all(cluster.servers.map((s) => jetStreamAnswers(s.url))),
        cluster.anyExited(),
      ]);
      return cluster;
    } catch (error) {
      await cluster.stop();
      if (attempt === START_ATTEMPTS) throw new Error(`${String(error)}\n${cluster.logs()}`);
    }
  }
}

interface StartedCluster extends NatsCluster {
  readonly servers: readonly LoggedNatsServer[];
  /** Rejects when any server exits on its own. */
  anyExited(): Promise<never>;
  logs(): string;
}

async function startOnce(size: number, maxPayload: number | undefined): Promise<StartedCluster> {
  const dir = tempDir();
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort() })),
  );
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.route}`);
  const servers = ports.map((port, index) => {
    const name = `nats-${index + 1}`;
    const config = join(dir, `${name}.conf`);
    writeFileSync(
      config,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${port.client}`,
        `log_file: "${join(dir, `${name}.log`)}"`,
        ...(maxPayload === undefined ? [] : [`max_payload: ${maxPayload}`]),
        `jetstream { store_dir: "${join(dir, name)}" }`,
        `cluster { name: truinlag-test, listen: 127.0.0.1:${port.route}, routes: [${routes.join(', ')}] }`,
      ].join('\n'),
    );
    return natsServer(name, `nats://127.0.0.1:${port.client}`, config, join(dir, `${name}.log`));
  });
  for (const server of servers) server.start();
  return {
    servers,
    urls: servers.map((s) => s.url).join(','),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
    anyExited: () =>
      Promise.race(
        servers.map((s) => s.exited.then(() => Promise.reject(new Error(`${s.name} exited while starting`)))),
      ),
    logs: () => servers.map((s) => `--- ${s.name}\n${s.log()}`).join('\n'),
  };
}

interface LoggedNatsServer extends NatsServer {
  /** Settles when the current process exits. */
  readonly exited: Promise<void>;
  /** The tail of the server's log file. */
  log(): string;
}

function natsServer(name: string, url: string, config: string, logFile: string): LoggedNatsServer {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  return {
    name,
    url,
    get running() {
      return child !== undefined;
    },
    get exited() {
      return exited;
    },
    start: () => {
      const started = spawn(NATS_SERVER, ['-c', config], { stdio: 'ignore' });
      child = started;
      exited = new Promise((resolve) =>
        started.once('exit', () => {
          if (child === started) child = undefined;
          resolve();
        }),
      );
    },
    stop: async (signal = 'SIGKILL') => {
      child?.kill(signal);
      await exited;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4_000) : '(no log)'),
  };
}

/** Waits until a JetStream API request through `url` is answered (the cluster has elected its meta leader). */
async function jetStreamAnswers(url: string): Promise<void> {
  await waitFor(
    async () => {
      try {
        const nc = await connect({ servers: url, timeout: 1_000 });
        try {
          await (await jetstreamManager(nc, { timeout: 1_000 })).getAccountInfo();
          return true;
        } finally {
          await nc.close();
        }
      } catch {
        return false;
      }
    },
    20_000,
    `JetStream at ${url}`,
    200,
  );
}
