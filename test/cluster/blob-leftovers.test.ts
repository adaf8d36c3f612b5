import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOB_BUCKET, BlobObjects } from '../../src/cluster/blob-objects.js';
import type { StoredBlob } from '../../src/store/store.js';
import { found } from '../helpers/found.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import { clusterDataDirs, owner, startNode } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { bucketStream, cutOffUpload, killedUpload } from './support/cut-off-uploads.js';
import { natsClientsPerTest } from './support/nats-clients.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();
const natsClient = natsClientsPerTest();

/** The chunk size of the picture bucket's puts, which a cut-off put leaves behind in whole chunks. */
const CHUNK_BYTES = 1024 * 1024;
const GRACE_MS = 1_500;

/** A blob of `size` random bytes under `key`, as the picture job stores one. */
function blobOf(key: string, size: number): StoredBlob {
  const bytes = randomBytes(size);
  return { key, mime: 'image/jpeg', sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/** Whether every blob still downloads from the bucket byte for byte, with its type and hash. */
async function allIntact(blobs: BlobObjects, live: readonly StoredBlob[]): Promise<boolean> {
  for (const blob of live) {
    const back = await blobs.get(blob.key);
    if (back === undefined || !Buffer.from(back.bytes).equals(blob.bytes)) return false;
    if (back.mime !== blob.mime || back.sha256 !== blob.sha256) return false;
  }
  return true;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('sweeping what cut-off picture puts left', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-14] purges chunks no blob names once older than the grace period; a put under way and every live blob stay', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const { js, nc } = await natsClient(urls);
    const blobs = await BlobObjects.open(js, 3);
    const live = [
      blobOf('picture/large', 2 * CHUNK_BYTES + 17),
      blobOf('picture/thumb', 40_000),
      blobOf('picture/tiny', 3),
    ];
    for (const blob of live) await blobs.put(blob);
    const liveIds = (await bucketStream(nc, BLOB_BUCKET)).ids;
    expect(liveIds).toHaveLength(3);

    // A 24 MiB put killed once 8 of its chunks are stored: what an owner killed during a put leaves.
    const file = join(tempDir(), 'killed');
    writeFileSync(file, randomBytes(24 * CHUNK_BYTES));
    const script = 'test/cluster/support/blob-upload-child.ts';
    const killed = await killedUpload(nc, BLOB_BUCKET, {
      script,
      args: [urls, file, 'picture/killed'],
      liveIds,
      minChunks: 8,
    });
    expect(await blobs.keys()).toEqual(live.map((blob) => blob.key).sort());
    await pause(GRACE_MS + 200);
    const underWay = await cutOffUpload(js, BLOB_BUCKET, 1, CHUNK_BYTES);
    const before = await bucketStream(nc, BLOB_BUCKET);
    expect(before.ids).toEqual([...liveIds, killed.id, underWay].sort());

    const swept = await blobs.sweepLeftovers(GRACE_MS);
    const after = await bucketStream(nc, BLOB_BUCKET);
    expect(after.ids).toEqual([...liveIds, underWay].sort());
    expect(swept).toMatchObject({
      subjects: 1,
      messages: killed.chunks,
      bytesBefore: before.bytes,
      bytesAfter: after.bytes,
    });
    expect(before.bytes - after.bytes).toBeGreaterThanOrEqual(killed.chunks * CHUNK_BYTES);
    expect(await allIntact(blobs, live)).toBe(true);

    // The put that was under way never finished (its node was killed too): once stale, it goes as well.
    await pause(GRACE_MS + 200);
    expect(await blobs.sweepLeftovers(GRACE_MS)).toMatchObject({ subjects: 1, messages: 1 });
    expect((await bucketStream(nc, BLOB_BUCKET)).ids).toEqual(liveIds);
    expect(await allIntact(blobs, live)).toBe(true);
  });

  it('[CLUSTER-14] the owner sweeps the picture bucket at takeover and then every grace period, with nothing else going on', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const { js, nc } = await natsClient(urls);
    const blobs = await BlobObjects.open(js, 3);
    const beforeStart = await cutOffUpload(js, BLOB_BUCKET, 2, CHUNK_BYTES);
    await pause(1_200);
    const { dirs } = clusterDataDirs(1);
    const node = await startNode('node-a', dirs[0] as string, urls, { TRUINLAG_LEFTOVER_MS: '1000' });
    run.nodes.push(node);
    await owner([node]);
    const gone = (id: string) => async () => !(await bucketStream(nc, BLOB_BUCKET)).ids.includes(id);
    await waitFor(gone(beforeStart), 15_000, 'the takeover sweep', 100);

    // Put after the takeover, so the new owner's drop of unnamed objects does not touch it.
    const live = [blobOf('picture/kept', CHUNK_BYTES + 1)];
    await blobs.put(found(live[0], 'the live blob'));
    // No request and no snapshot from here on: only the owner's timer sweeps.
    const whileServing = await cutOffUpload(js, BLOB_BUCKET, 2, CHUNK_BYTES);
    await waitFor(gone(whileServing), 15_000, 'a periodic sweep', 100);
    expect(await allIntact(blobs, live)).toBe(true);
  });
});
