import { pino, type Logger } from 'pino';
import type { ServerConfig } from '../server/config.js';
import { stderrSink } from '../server/log-sink.js';
import type { ServerExtras } from '../server/server.js';
import { loadOrCreateSecrets } from '../runtime/secrets.js';
import { resolveClusterConfig } from './cluster-config.js';
import { ClusterNode } from './cluster-node.js';

/** What `truinlag serve` needs of a running node, clustered or not. */
export interface ServingNode {
  readonly logger: Logger;
  readonly closed: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * `truinlag serve --nats … --node …`: joins the cluster and prints each role change on stdout (one line
 * each: `node <name> standby …`, `node <name> owner …`, `node <name> stopped`). Every node of a cluster
 * needs the same secret.key and admin.token in its data directory (docs/cluster.md): a node whose
 * directory has none makes them, to be copied to the others before they start.
 */
export async function startClusterNode(
  config: ServerConfig,
  input: { nats: string; node: string | undefined },
  extras: ServerExtras,
): Promise<ServingNode> {
  const cluster = resolveClusterConfig(input);
  const secrets = loadOrCreateSecrets(config.dataDir);
  const logger = pino({ level: config.logLevel, base: { node: cluster.node } }, stderrSink());
  if (secrets.created)
    process.stdout.write(
      `admin token (shown once, copy secret.key and admin.token to every node): ${secrets.adminToken}\n`,
    );
  const node = await ClusterNode.start(config, cluster, extras, logger, (role, detail) =>
    process.stdout.write(`node ${cluster.node} ${role}: ${detail}\n`),
  );
  return { logger, closed: node.stopped, shutdown: () => node.stop() };
}
