/**
 * Uploads a file to the snapshot bucket as an owner does (`SnapshotStore.put`), in a process of its own,
 * so that a test can kill it in the middle of the upload (CLUSTER-14). Arguments: the NATS URLs
 * (comma-separated), the file, the log position to name it by.
 */
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SnapshotStore } from '../../../src/cluster/snapshot-store.js';

const [urls = '', file = '', position = '0'] = process.argv.slice(2);
const nc = await connect({ servers: urls.split(',') });
const store = await SnapshotStore.open(jetstream(nc), 3);
await store.put(file, Number(position));
await nc.close();
