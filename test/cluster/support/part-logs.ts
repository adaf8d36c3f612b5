import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach } from 'vitest';
import { ensureBatchStream } from '../../../src/cluster/batch-log.js';
import { setUpPatiently } from '../../../src/cluster/jetstream-errors.js';
import { PartLog } from '../../../src/cluster/part-log.js';
import { removeTempDirs } from '../../helpers/temp.js';
import { startNatsCluster, type NatsCluster } from './nats-cluster.js';

/** One node's view of the batch stream: its own connection, its JetStream clients and its part log. */
export interface PartLogClient {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly log: PartLog;
}

/**
 * A fresh three-server NATS cluster per test (`start`, its URLs) and part logs over its batch stream, each
 * on a connection of its own (`open`); after each test the connections close, then the servers stop.
 */
export function partLogsPerTest(): {
  start(): Promise<string>;
  open(urls: string): Promise<PartLogClient>;
} {
  let nats: NatsCluster | undefined;
  const connections: NatsConnection[] = [];
  afterEach(async () => {
    for (const nc of connections.splice(0)) await nc.close();
    await nats?.stop();
    nats = undefined;
    removeTempDirs();
  });
  return {
    async start() {
      nats = await startNatsCluster();
      return nats.urls;
    },
    async open(urls) {
      const nc = await connect({ servers: urls.split(',') });
      connections.push(nc);
      const jsm = await jetstreamManager(nc);
      // As a node does: the servers may not all have joined the meta group yet (no peers for placement).
      await setUpPatiently(() => ensureBatchStream(jsm, 3));
      const js = jetstream(nc);
      return { nc, js, jsm, log: new PartLog(js, jsm) };
    },
  };
}
