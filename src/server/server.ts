import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Handler, MiddlewareHandler } from 'hono';
import { pino, type Logger } from 'pino';
import { storedBlobKeys } from '../engine/pictures/records.js';
import { auditJobs } from '../runtime/audit-job.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { PassphraseSealer } from '../runtime/passphrase.js';
import { pictureJobs, type PictureJobServices } from '../runtime/picture-jobs.js';
import type { RuntimeLoad } from '../runtime/observer.js';
import type { Ownership } from '../runtime/ownership.js';
import { Runtime, type RuntimeOptions } from '../runtime/runtime.js';
import { hasSecrets, loadOrCreateSecrets, type Secrets } from '../runtime/secrets.js';
import { actorOfToken } from '../runtime/tokens.js';
import { freeBytesOf } from '../store/disk-space.js';
import { startIntegrityCheck, type IntegrityCheck } from '../store/integrity-check.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { ConnectionServices } from '../transport/connection.js';
import { Edge } from '../transport/edge.js';
import { UnixTransport } from '../transport/unix-server.js';
import { WsTransport } from '../transport/ws-server.js';
import type { ServerConfig } from './config.js';
import { stderrSink } from './log-sink.js';
import { ServerMetrics } from './metrics.js';
import { Telemetry } from './telemetry.js';
import type { HttpEnv } from './http-answers.js';
import { httpApp, requestHandler } from './http-app.js';
import { prepareUploadFolder } from './upload-body.js';

/** The folder of the data directory HTTP uploads are streamed into (PICTURE-7). */
export const UPLOADS_FOLDER = 'uploads';

/** What runs beside the server's own parts. */
export interface ServerExtras {
  readonly clock?: Clock;
  /** The player app's files (src/server/web-app.ts), served for every GET no other route takes. */
  readonly staticApp?: Handler<HttpEnv>;
  /**
   * The store the runtime writes through, made from the data directory's own (cluster mode: reads stay
   * local, the writer appends to JetStream first; src/cluster). Default: the SQLite store itself.
   */
  readonly runtimeStore?: (local: SqliteStore) => Store;
  /**
   * The store's integrity check, when the caller started it before it loaded the server (`truinlag serve`
   * does, DURABILITY-8); started here otherwise.
   */
  readonly integrityCheck?: IntegrityCheck;
  /**
   * Runs through the runtime before any client can connect (cluster mode: the switch to per-session ids,
   * CLUSTER-16); the server does not start when it fails.
   */
  readonly beforeServing?: (runtime: Runtime) => Promise<void>;
  /** Which parts the runtime steps and where the others go (cluster mode, per-session ownership). */
  readonly ownership?: Ownership;
  /** See `RuntimeOptions.boardsElsewhere` (cluster mode, per-session ownership). */
  readonly boardsElsewhere?: RuntimeOptions['boardsElsewhere'];
  /** See `HttpAppOptions.picturesElsewhere`. */
  readonly picturesElsewhere?: MiddlewareHandler<HttpEnv>;
}

export interface RunningServer {
  readonly url: string;
  readonly address: AddressInfo;
  readonly socketPath: string;
  readonly adminToken: string;
  readonly adminTokenCreated: boolean;
  readonly runtime: Runtime;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /**
   * What a connection runs on: a transport of the caller's (a cluster owner's relayed connections,
   * src/cluster) makes its connections with these, as the WebSocket and Unix transports do.
   */
  readonly connectionServices: ConnectionServices;
  /** Resolves when the server has shut down completely. */
  readonly closed: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Wires the store, the single-writer runtime and both transports together and starts listening. The
 * returned handle shuts everything down in order: stop accepting, drain the mailbox and running jobs,
 * commit, tell clients, close connections, remove the socket file.
 */
export async function startServer(config: ServerConfig, extras: ServerExtras = {}): Promise<RunningServer> {
  const integrityCheck = extras.integrityCheck ?? startIntegrityCheck(config.dataDir);
  const clock = extras.clock ?? systemClock;
  const logger = pino({ level: config.logLevel, base: undefined }, stderrSink());
  // Nothing below writes, arms a timer or listens before the check has passed (DURABILITY-8).
  const { store, secrets } = await openDataDir(config.dataDir, integrityCheck);
  // The gauges read the runtime only when scraped, long after it exists.
  const metrics = new ServerMetrics((): RuntimeLoad => runtime.load);
  const telemetry = new Telemetry(metrics, logger, config.slowTurnMs);
  const uploadFolder = join(config.dataDir, UPLOADS_FOLDER);
  const storeBlobs: PictureJobServices['storeBlobs'] = (blobs) => runtime.storeBlobs(blobs);
  const pictureServices: PictureJobServices = {
    store,
    storeBlobs,
    uploads: uploadFolder,
    freeDiskBytes: () => freeBytesOf(config.dataDir),
    diskReserveBytes: config.pictureDiskReserveBytes,
  };
  const jobs = { ...pictureJobs(pictureServices), ...auditJobs(store.path) };
  let runtime: Runtime;
  try {
    runtime = new Runtime({
      store: extras.runtimeStore?.(store) ?? store,
      clock,
      logger,
      jobs,
      observer: telemetry,
      ...(extras.ownership === undefined ? {} : { ownership: extras.ownership }),
      ...(extras.boardsElsewhere === undefined ? {} : { boardsElsewhere: extras.boardsElsewhere }),
    });
  } catch (error) {
    store.close();
    throw error;
  }
  try {
    await extras.beforeServing?.(runtime);
  } catch (error) {
    await runtime.shutdown();
    throw error;
  }
  const services: ConnectionServices = {
    runtime,
    clock,
    sealer: new PassphraseSealer(secrets.passphraseKey),
    adminToken: secrets.adminToken,
    maxQueueBytes: config.maxQueueBytes,
    edge: new Edge(config.limits),
    minClientVersion: config.minClientVersion,
    observer: telemetry,
  };
  const app = httpApp({
    logger,
    readiness: () => runtime.readiness(),
    pictures: {
      runtime,
      store,
      adminToken: secrets.adminToken,
      logger,
      uploadFolder,
      uploadLimits: config.uploads,
    },
    metrics: {
      registry: metrics.registry,
      access: config.metricsAccess,
      isAdminToken: (token) => actorOfToken(runtime.current, secrets.adminToken, token)?.kind === 'admin',
    },
    ...(extras.staticApp === undefined ? {} : { staticApp: extras.staticApp }),
    ...(extras.picturesElsewhere === undefined ? {} : { picturesElsewhere: extras.picturesElsewhere }),
  });
  const ws = new WsTransport(services, {
    host: config.host,
    port: config.port,
    heartbeatMs: config.heartbeatMs,
    http: requestHandler(app),
  });
  const unix = new UnixTransport(services, config.socketPath);
  await unix.listen();
  // Only now is this the data directory's one server (a second one fails to listen above), and no request
  // has arrived yet: what a crash or a refusal left over goes before any job runs (PICTURE-4, PICTURE-7).
  prepareUploadFolder(uploadFolder);
  const dropped = store.dropBlobsExcept(storedBlobKeys(runtime.current));
  if (dropped > 0) logger.info({ blobs: dropped }, 'dropped picture bytes no picture names');
  const address = await ws.listen().catch(async (error: unknown) => {
    // Nothing was served yet: close what is open, so that the caller can report and exit.
    await unix.close();
    await runtime.shutdown();
    throw error;
  });
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
    metrics,
    connectionServices: services,
    closed,
    shutdown,
  };
}

/**
 * Opens the data directory's store and secrets, refusing (StartRefusal) a directory whose database is
 * missing, damaged or from a newer truinlag while its secrets exist (DURABILITY-5, DURABILITY-6).
 */
async function openDataDir(
  dataDir: string,
  integrityCheck: IntegrityCheck,
): Promise<{ store: SqliteStore; secrets: Secrets }> {
  const store = await SqliteStore.openChecked(dataDir, { mustExist: hasSecrets(dataDir) }, integrityCheck);
  try {
    const secrets = loadOrCreateSecrets(dataDir);
    store.bindKey(createHash('sha256').update(secrets.passphraseKey).digest('hex').slice(0, 32));
    return { store, secrets };
  } catch (error) {
    store.close();
    throw error;
  }
}
