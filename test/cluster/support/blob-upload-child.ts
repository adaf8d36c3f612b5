/**
 * Puts a file into the picture bucket as an owner does (`BlobObjects.put`), in a process of its own, so
 * that a test can kill it in the middle of the put (CLUSTER-14). Arguments: the NATS URLs
 * (comma-separated), the file, the blob's key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { BlobObjects } from '../../../src/cluster/blob-objects.js';

const [urls = '', file = '', key = ''] = process.argv.slice(2);
const bytes = readFileSync(file);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const nc = await connect({ servers: urls.split(',') });
const blobs = await BlobObjects.open(jetstream(nc), 3);
await blobs.put({ key, mime: 'image/jpeg', sha256, bytes });
await nc.close();
