import { pino, type Logger } from 'pino';
import type { ServerConfig } from '../server/config.js';
import { stderrSink } from '../server/log-sink.js';
import type { ServerExtras } from '../server/server.js';
import { loadOrCreateSecrets } from '../runtime/secrets.js';
import type { SecretsOutcome } from './shared-secrets.js';
import { resolveClusterConfig } from './cluster-config.js';
import { ClusterNode, type NodeReports } from './cluster-node.js';
import { PartsNode } from './parts-node.js';

/** What `truinlag serve` needs of a running node, clustered or not. */
export interface ServingNode {
  readonly logger: Logger;
  readonly closed: Promise<void>;
  shutdown(): Promise<void>;
}

/** What the CLI prints of a node's join with the cluster's secrets (CLUSTER-13). */
const SECRETS_DONE: Record<SecretsOutcome, string> = {
  new: 'made for a new installation and shared through the cluster',
  offered: "this data directory's shared through the cluster",
  taken: "the cluster's written to this data directory",
  same: "this data directory's match the cluster's",
};

/**
 * `truinlag serve --nats … --node …`: joins the cluster and prints on stdout what it did with the
 * installation's secrets (`node <name> secrets: …`, CLUSTER-13: every node shares the cluster's) and each
 * role change (one line each: `node <name> standby …`, `node <name> owner …`, `node <name> stopped`).
 */
export async function startClusterNode(
  config: ServerConfig,
  input: { nats: string; node: string | undefined; ownership?: string | undefined },
  extras: ServerExtras,
): Promise<ServingNode> {
  const cluster = resolveClusterConfig(input);
  const logger = pino({ level: config.logLevel, base: { node: cluster.node } }, stderrSink());
  const print = (line: string): boolean => process.stdout.write(`${line}\n`);
  const reports: NodeReports = {
    role: (role, detail) => print(`node ${cluster.node} ${role}: ${detail}`),
    secrets: (outcome, ms) => {
      print(`node ${cluster.node} secrets: ${SECRETS_DONE[outcome]} (${ms} ms)`);
      if (outcome === 'new')
        print(
          `admin token (shown once; every node of the cluster shares it): ${loadOrCreateSecrets(config.dataDir).adminToken}`,
        );
    },
  };
  const node =
    cluster.ownership === 'parts'
      ? await PartsNode.start(config, cluster, extras, logger, reports)
      : await ClusterNode.start(config, cluster, extras, logger, reports);
  return { logger, closed: node.stopped, shutdown: () => node.stop() };
}
