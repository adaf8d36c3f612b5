import { createHash, randomBytes } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BlobMirror } from '../../src/cluster/blob-mirror.js';
import { BlobObjects } from '../../src/cluster/blob-objects.js';
import type { PictureRecord } from '../../src/engine/pictures/records.js';
import { CommitWriter } from '../../src/store/commit-writer.js';
import { BUSY_TIMEOUT_MS, SqliteStore } from '../../src/store/sqlite-store.js';
import type { CommitBatch, StoredBlob } from '../../src/store/store.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { natsClientsPerTest } from './support/nats-clients.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();
const natsClient = natsClientsPerTest();

/** A session's first id of a table in the per-session id space (CLUSTER-16). */
const firstIdOf = (session: number): number => session * 2 ** 32 + 1;

function blobOf(size: number): StoredBlob {
  const bytes = randomBytes(size);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { key: `picture/${sha256}`, mime: 'image/jpeg', sha256, bytes };
}

/** A team picture of `session` whose image and thumbnail are the two blobs. */
function pictureOf(id: number, session: number, full: StoredBlob, thumb: StoredBlob): PictureRecord {
  const info = (blob: StoredBlob) => ({
    width: 4,
    height: 3,
    bytes: blob.bytes.length,
    mime: blob.mime,
    sha256: blob.sha256,
  });
  return {
    id,
    kind: 'team',
    owner: id,
    period: null,
    session,
    ...info(full),
    thumb: info(thumb),
    uploadedBy: null,
    createdAt: 0,
  };
}

function commit(writer: CommitWriter, picture: PictureRecord): Promise<void> {
  const batch: CommitBatch = {
    writes: [{ op: 'put', table: 'picture', id: picture.id, doc: picture }],
    broadcasts: [],
    journal: [],
    answers: [],
  };
  return new Promise((resolve, reject) =>
    writer.commit(batch, (result) => (result.ok ? resolve() : reject(result.error))),
  );
}

describe('a copy fetching the picture bytes its records name', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-9] fetches a picture recorded after one with a larger id (per-session ids do not grow across sessions)', async () => {
    run.nats = await startNatsCluster();
    const { js } = await natsClient(run.nats.urls);
    const objects = await BlobObjects.open(js, 3);
    const store = SqliteStore.open(tempDir(), { mustExist: false });
    const writer = new CommitWriter(store.path, BUSY_TIMEOUT_MS);
    const mirror = new BlobMirror(
      () => store,
      objects,
      (blobs) => writer.storeBlobs(blobs),
      pino({ enabled: false }),
    );
    try {
      const [later, laterThumb, earlier, earlierThumb] = [blobOf(900), blobOf(90), blobOf(800), blobOf(80)];
      for (const blob of [later, laterThumb, earlier, earlierThumb]) await objects.put(blob);

      // Session 2's picture is recorded first; the copy fetches its bytes.
      await commit(writer, pictureOf(firstIdOf(2), 2, later, laterThumb));
      expect(await mirror.fetchMissing()).toBe(2);
      // Then session 1's, whose id is smaller: it is fetched too, and nothing twice.
      await commit(writer, pictureOf(firstIdOf(1), 1, earlier, earlierThumb));
      expect(await mirror.fetchMissing()).toBe(2);
      expect(await mirror.fetchMissing()).toBe(0);
      for (const blob of [later, laterThumb, earlier, earlierThumb])
        expect(store.blobInfo(blob.key)?.sha256).toBe(blob.sha256);
    } finally {
      await writer.close();
      store.close();
    }
  });
});
