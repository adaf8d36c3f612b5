/**
 * Runs one part-lease manager (CLUSTER-20) in a process of its own, so that a test can freeze it
 * (SIGSTOP) past its lease. Arguments: the NATS URL, the node's name, the lease time (ms), the parts
 * (comma-separated). Prints one JSON line per event, and one per renewal it sends (`update`, with the term
 * the renewal writes), each with the time (`Date.now()`) it happened.
 */
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openLeaseBucket } from '../../../src/cluster/engine-lease.js';
import { PartLeases } from '../../../src/cluster/part-leases.js';

const [url = '', node = '', ttl = '', partList = ''] = process.argv.slice(2);
const ttlMs = Number(ttl);
const say = (line: object): void =>
  void process.stdout.write(`${JSON.stringify({ t: Date.now(), ...line })}\n`);

const nc = await connect({ servers: url });
const bucket = await openLeaseBucket(jetstream(nc), jetstream(nc, { timeout: ttlMs / 3 }), {
  ttlMs,
  replicas: 3,
});
// Each renewal is told as it is sent: the bucket itself is the real one.
const kv = new Proxy(bucket, {
  get: (target, key, receiver) =>
    key === 'update'
      ? (k: string, data: string, version: number) => {
          say({ event: 'update', key: k, term: (JSON.parse(data) as { term: number }).term });
          return target.update(k, data, version);
        }
      : (Reflect.get(target, key, receiver) as unknown),
});
const leases = new PartLeases(kv, { node, url: `ws://${node}` }, ttlMs, () => partList.split(','), {
  gained: (part, term) => say({ event: 'gained', part, term }),
  lost: (part) => say({ event: 'lost', part }),
  handingOver: (part) => Promise.resolve(say({ event: 'handingOver', part })),
  failed: (what, error) => say({ event: 'failed', what, error: String(error) }),
});
leases.start();
say({ event: 'started' });
