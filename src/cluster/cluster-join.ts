import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ServerConfig } from '../server/config.js';
import { BatchLog, ensureBatchStream } from './batch-log.js';
import { BlobObjects } from './blob-objects.js';
import type { ClusterConfig } from './cluster-config.js';
import type { NodeReports } from './cluster-node.js';
import { setUpPatiently } from './jetstream-errors.js';
import { joinSharedSecrets } from './shared-secrets.js';
import { SharedSnapshots } from './shared-snapshots.js';

/** What a node has once it has joined the cluster, whichever way it owns the state. */
export interface Joined {
  readonly nats: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The batch stream read as a whole (and, with one engine lease, appended to). */
  readonly stream: BatchLog;
  readonly snapshots: SharedSnapshots;
  readonly blobs: BlobObjects;
}

/** Connects to the NATS servers (reconnecting for ever, every 250 ms). */
export function connectToNats(cluster: ClusterConfig): Promise<NatsConnection> {
  return connect({
    servers: [...cluster.servers],
    name: `truinlag-${cluster.node}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
}

/**
 * Creates the stream and the buckets when missing and makes the data directory hold the cluster's
 * secrets (CLUSTER-13), before anything reads them; reports what it did with the secrets.
 */
export async function joinCluster(
  nats: NatsConnection,
  config: ServerConfig,
  cluster: ClusterConfig,
  logger: Logger,
  reports: NodeReports,
): Promise<Joined> {
  const jsm = await jetstreamManager(nats);
  await setUpPatiently(() => ensureBatchStream(jsm, cluster.replicas));
  const js = jetstream(nats, { timeout: 5_000 });
  const joining = performance.now();
  const outcome = await joinSharedSecrets(nats, config.dataDir, cluster.replicas);
  reports.secrets(outcome, Math.round(performance.now() - joining));
  const stream = new BatchLog(js, jsm);
  const snapshots = await SharedSnapshots.open(js, stream, { ...cluster, dataDir: config.dataDir, logger });
  const blobs = await BlobObjects.open(js, cluster.replicas);
  return { nats, js, jsm, stream, snapshots, blobs };
}
