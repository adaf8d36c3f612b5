import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts `size` (default 3) nats-servers as one JetStream cluster and resolves once JetStream answers
 * through every one of them (the meta group has a leader). `maxPayload` sets the servers' largest message
 * (their default is 1 MiB).
 */
export async function startNatsCluster(size = 3, maxPayload?: number): Promise<NatsCluster> {
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
        ...(maxPayload === undefined ? [] : [`max_payload: ${maxPayload}`]),
        `jetstream { store_dir: "${join(dir, name)}" }`,
        `cluster { name: truinlag-test, listen: 127.0.0.1:${port.route}, routes: [${routes.join(', ')}] }`,
      ].join('\n'),
    );
    return natsServer(name, `nats://127.0.0.1:${port.client}`, config);
  });
  for (const server of servers) server.start();
  for (const server of servers) await jetStreamAnswers(server.url);
  return {
    servers,
    urls: servers.map((s) => s.url).join(','),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

function natsServer(name: string, url: string, config: string): NatsServer {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  return {
    name,
    url,
    get running() {
      return child !== undefined;
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
    30_000,
    `JetStream at ${url}`,
    200,
  );
}
