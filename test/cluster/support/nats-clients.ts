import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach } from 'vitest';

/** A test's own NATS connection and its JetStream client. */
export interface NatsClient {
  readonly js: JetStreamClient;
  readonly nc: NatsConnection;
}

/**
 * Connects a test to NATS as any client would; the connections are closed after each test. Call it after
 * `clusterRunPerTest()`: hooks registered later run first, so the clients go before their servers.
 */
export function natsClientsPerTest(): (urls: string) => Promise<NatsClient> {
  const connections: NatsConnection[] = [];
  afterEach(async () => {
    for (const nc of connections.splice(0)) await nc.close();
  });
  return async (urls) => {
    const nc = await connect({ servers: urls.split(',') });
    connections.push(nc);
    return { js: jetstream(nc), nc };
  };
}
