import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { checkedPositionInFile } from '../../src/cluster/snapshot-file.js';
import { SNAPSHOT_BUCKET, SnapshotStore } from '../../src/cluster/snapshot-store.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import { clusterDataDirs, owner, startNode, urlClient } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { bucketStream, cutOffUpload, killedUpload } from './support/cut-off-uploads.js';
import { natsClientsPerTest } from './support/nats-clients.js';
import { SessionLoad } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();
const natsClient = natsClientsPerTest();

/** The object store client's chunk size, which a cut-off upload leaves behind in whole chunks. */
const CHUNK_BYTES = 128 * 1024;
const GRACE_MS = 1_500;

/**
 * Starts uploading a 24 MiB snapshot (`position` 99) in a child process and SIGKILLs it once at least 16
 * of its chunks are stored: what an owner killed during an upload leaves.
 */
function killedSnapshotUpload(
  urls: string,
  nc: NatsConnection,
  file: string,
  liveIds: readonly string[],
): Promise<{ id: string; chunks: number }> {
  writeFileSync(file, randomBytes(24 * 1024 * 1024));
  const script = 'test/cluster/support/snapshot-upload-child.ts';
  return killedUpload(nc, SNAPSHOT_BUCKET, { script, args: [urls, file, '99'], liveIds, minChunks: 16 });
}

/** The snapshot stream's chunk subjects (by object id) and its bytes. */
const streamView = (nc: NatsConnection) => bucketStream(nc, SNAPSHOT_BUCKET);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('sweeping what cut-off snapshot uploads left', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-14] purges chunks no snapshot names once older than the grace period; an upload under way and every live snapshot stay', async () => {
    run.nats = await startNatsCluster();
    const { js, nc } = await natsClient(run.nats.urls);
    const store = await SnapshotStore.open(js, 3);
    const dir = tempDir();
    const live = [
      { position: 10, bytes: randomBytes(3 * CHUNK_BYTES + 5) },
      { position: 20, bytes: randomBytes(CHUNK_BYTES / 2) },
    ];
    for (const { position, bytes } of live) {
      writeFileSync(join(dir, `live-${position}`), bytes);
      await store.put(join(dir, `live-${position}`), position);
    }
    const liveIds = (await streamView(nc)).ids;
    expect(liveIds).toHaveLength(2);

    const { id: killed, chunks } = await killedSnapshotUpload(run.nats.urls, nc, join(dir, 'big'), liveIds);
    expect((await store.list()).map((s) => s.position).sort()).toEqual([10, 20]);
    await pause(GRACE_MS + 200);
    const underWay = await cutOffUpload(js, SNAPSHOT_BUCKET, 2, CHUNK_BYTES);
    const before = await streamView(nc);
    expect(before.ids).toEqual([...liveIds, killed, underWay].sort());

    const swept = await store.sweepLeftovers(GRACE_MS);
    const after = await streamView(nc);
    expect(after.ids).toEqual([...liveIds, underWay].sort());
    expect(swept).toMatchObject({
      subjects: 1,
      messages: chunks,
      bytesBefore: before.bytes,
      bytesAfter: after.bytes,
    });
    expect(before.bytes - after.bytes).toBeGreaterThanOrEqual(chunks * CHUNK_BYTES);
    for (const { position, bytes } of live) {
      const file = join(dir, `back-${position}`);
      await store.download({ name: `engine.${position}`, position }, file);
      expect(readFileSync(file).equals(bytes)).toBe(true);
    }

    // The upload that was under way never finished (its node was killed too): once stale, it goes as well.
    await pause(GRACE_MS + 200);
    expect(await store.sweepLeftovers(GRACE_MS)).toMatchObject({ subjects: 1, messages: 2 });
    expect((await streamView(nc)).ids).toEqual(liveIds);
  });

  it('[CLUSTER-14] the owner sweeps at takeover, after each upload and while idle; its snapshots still load', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const { js, nc } = await natsClient(urls);
    await SnapshotStore.open(js, 3);
    const beforeStart = await cutOffUpload(js, SNAPSHOT_BUCKET, 4, CHUNK_BYTES);
    await pause(1_200);
    const { dirs, adminToken } = clusterDataDirs(1);
    const env = { TRUINLAG_SNAPSHOT_EVERY: '10', TRUINLAG_LEFTOVER_MS: '1000' };
    const node = await startNode('node-a', dirs[0] as string, urls, env);
    run.nodes.push(node);
    await owner([node]);
    await waitFor(
      async () => !(await streamView(nc)).ids.includes(beforeStart),
      15_000,
      'the takeover sweep',
      100,
    );

    const client = urlClient([node.url], { token: adminToken });
    run.clients.push(client);
    const load = new SessionLoad(client, 'sweep', 2);
    const whileServing = await cutOffUpload(js, SNAPSHOT_BUCKET, 4, CHUNK_BYTES);
    // Gone only with a later upload: the owner sweeps after each one.
    await waitFor(
      async () => !(await streamView(nc)).ids.includes(whileServing),
      30_000,
      'the sweep after an upload',
      100,
    );
    await load.stop();
    // An idle owner takes no snapshots; its sweeper's timer still purges a leftover.
    const whileIdle = await cutOffUpload(js, SNAPSHOT_BUCKET, 4, CHUNK_BYTES);
    await waitFor(
      async () => !(await streamView(nc)).ids.includes(whileIdle),
      15_000,
      'the periodic sweep',
      100,
    );
    const store = await SnapshotStore.open(js, 3);
    const snapshots = await store.list();
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snapshot of snapshots) {
      const file = join(tempDir(), 'loaded.db');
      await store.download(snapshot, file);
      expect(checkedPositionInFile(file)).toBe(snapshot.position);
    }
  });
});
