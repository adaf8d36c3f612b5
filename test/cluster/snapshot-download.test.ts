import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotStore } from '../../src/cluster/snapshot-store.js';
import { tempDir } from '../helpers/temp.js';
import { partLogsPerTest } from './support/part-logs.js';

const logs = partLogsPerTest();

describe('downloading a snapshot (CLUSTER-8)', () => {
  it('[CLUSTER-8] a snapshot deleted while it is downloaded fails once no chunk came for 10 s, instead of waiting for ever', async () => {
    const { js } = await logs.open(await logs.start());
    const store = await SnapshotStore.open(js, 3);
    const dir = tempDir();
    const copy = join(dir, 'copy.db');
    writeFileSync(copy, Buffer.alloc(8 * 1024 * 1024, 7));
    const snapshot = await store.put(copy, 5);
    const started = Date.now();
    const download = store.download(snapshot, join(dir, 'incoming.db'));
    // Sent on the same connection after the download's look-up of the object, so the download finds it,
    // and before its chunks were read: they are gone when it asks for them.
    await store.delete(snapshot);
    await expect(download).rejects.toThrow(/stopped arriving/);
    const tookMs = Date.now() - started;
    expect(tookMs).toBeGreaterThanOrEqual(10_000);
    // A whole snapshot still downloads.
    const again = await store.put(copy, 6);
    await store.download(again, join(dir, 'whole.db'));
  });
});
