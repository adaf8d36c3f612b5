import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { encodeHealth } from '../protocol/encode.js';
import { auditJobs } from '../runtime/audit-job.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { PassphraseSealer } from '../runtime/passphrase.js';
import { pictureJobs } from '../runtime/picture-jobs.js';
import { Runtime, type JobRunner } from '../runtime/runtime.js';
import { loadOrCreateSecrets } from '../runtime/secrets.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ConnectionServices } from '../transport/connection.js';
import { UnixTransport } from '../transport/unix-server.js';
import { WsTransport, type HttpRoute } from '../transport/ws-server.js';
import type { ServerConfig } from './config.js';
import { pictureRoutes } from './pictures-http.js';

export interface RunningServer {
  readonly url: string;
  readonly address: AddressInfo;
  readonly socketPath: string;
  readonly adminToken: string;
  readonly adminTokenCreated: boolean;
  readonly runtime: Runtime;
  readonly logger: Logger;
  /** Resolves when the server has shut down completely. */
  readonly closed: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Wires the store, the single-writer runtime and both transports together and starts listening. The
 * returned handle shuts everything down in order: stop accepting, drain the mailbox and running jobs,
 * commit, tell clients, close connections, remove the socket file.
 */
export async function startServer(config: ServerConfig, clock: Clock = systemClock): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel, base: undefined }, pino.destination(2));
  const secrets = loadOrCreateSecrets(config.dataDir);
  const store = SqliteStore.open(config.dataDir);
  try {
    store.bindKey(createHash('sha256').update(secrets.passphraseKey).digest('hex').slice(0, 32));
  } catch (error) {
    store.close();
    throw error;
  }
  const jobs: Record<string, JobRunner> = {
    backup: async (input) => {
      const { file } = input as { file: string };
      try {
        const { totalPages } = await runtime.backup(file);
        return { type: 'server.backup.done', file, totalPages, error: null };
      } catch (cause) {
        return { type: 'server.backup.done', file, totalPages: null, error: String(cause) };
      }
    },
    ...pictureJobs(store),
    ...auditJobs(store.path),
  };
  const runtime = new Runtime({ store, clock, logger, jobs });
  const services: ConnectionServices = {
    runtime,
    clock,
    sealer: new PassphraseSealer(secrets.passphraseKey),
    adminToken: secrets.adminToken,
    maxQueueBytes: config.maxQueueBytes,
  };
  const health: HttpRoute = (req, res) => {
    if (req.method !== 'GET' || req.url !== '/healthz') return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(encodeHealth(Math.round(process.uptime() * 1000)));
    return true;
  };
  const ws = new WsTransport(services, {
    host: config.host,
    port: config.port,
    heartbeatMs: config.heartbeatMs,
    routes: [health, pictureRoutes({ runtime, store, adminToken: secrets.adminToken, logger })],
  });
  const unix = new UnixTransport(services, config.socketPath);
  await unix.listen();
  const address = await ws.listen();
  const url = `ws://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, socket: config.socketPath, data: config.dataDir }, 'truinlag listening');

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('shutting down');
      ws.stopAccepting();
      unix.stopAccepting();
      await runtime.shutdown();
      await Promise.all([ws.close(), unix.close()]);
      logger.info('shut down');
      markClosed();
    })();
    return closing;
  };
  runtime.onShutdownRequested = () => void shutdown();
  return {
    url,
    address,
    socketPath: config.socketPath,
    adminToken: secrets.adminToken,
    adminTokenCreated: secrets.created,
    runtime,
    logger,
    closed,
    shutdown,
  };
}
