import { afterEach } from 'vitest';
import type { TruinlagClient } from '../../../src/client/client.js';
import { removeTempDirs } from '../../helpers/temp.js';
import { killNodes, type NodeProcess } from './cluster-nodes.js';
import type { NatsCluster } from './nats-cluster.js';

/** What one cluster test started: its NATS servers, its truinlag nodes and its clients. */
export interface ClusterRun {
  nats: NatsCluster | undefined;
  nodes: NodeProcess[];
  readonly clients: TruinlagClient[];
  /** Keeps a client to be closed after the test; returns it. */
  readonly keep: (client: TruinlagClient) => TruinlagClient;
}

/**
 * The cluster a test file's tests start, one at a time: after each test its clients are closed, its
 * nodes killed, its NATS servers stopped and its temp folders removed.
 */
export function clusterRunPerTest(): ClusterRun {
  const clients: TruinlagClient[] = [];
  const keep = (client: TruinlagClient): TruinlagClient => {
    clients.push(client);
    return client;
  };
  const run: ClusterRun = { nats: undefined, nodes: [], clients, keep };
  afterEach(async () => {
    for (const client of run.clients.splice(0)) client.close();
    await killNodes(run.nodes);
    run.nodes = [];
    await run.nats?.stop();
    run.nats = undefined;
    removeTempDirs();
  });
  return run;
}
