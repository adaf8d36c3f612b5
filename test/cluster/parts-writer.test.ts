import { afterEach, describe, expect, it } from 'vitest';
import { BlobObjects } from '../../src/cluster/blob-objects.js';
import type { PartLog } from '../../src/cluster/part-log.js';
import { PartsWriter } from '../../src/cluster/parts-writer.js';
import { TurnBatch } from '../../src/runtime/turn-batch.js';
import { CommitWriter } from '../../src/store/commit-writer.js';
import { PeriodTracker } from '../../src/store/period-rows.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { CommitResult } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';
import { partLogsPerTest } from './support/part-logs.js';

const logs = partLogsPerTest();
const closing: (() => Promise<void>)[] = [];

// Registered after the cluster's: runs before it, so the writer closes while NATS is still there.
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

const PART = 'session:7';
const QUIET = { warn: () => undefined };

/** A parts writer over a fresh cluster's batch stream and a fresh SQLite copy. */
async function partsWriter(): Promise<{ writer: PartsWriter; log: PartLog }> {
  const { js, log } = await logs.open(await logs.start());
  const store = SqliteStore.open(tempDir());
  const writer = new PartsWriter(
    log,
    new CommitWriter(store.path, 5_000),
    'node-a',
    new PeriodTracker(store.teamsAsLoaded()),
    await BlobObjects.open(js, 3),
    QUIET,
    () => undefined,
    new Map(),
  );
  closing.push(async () => {
    await writer.close();
    store.close();
  });
  return { writer, log };
}

/** A turn with one step of `part`: one answered request. */
function turnOf(part: string, request: string): TurnBatch {
  const batch = new TurnBatch();
  batch.answers.push({ client: 'admin/admin', request, at: 1, answer: '{}' });
  batch.endSpan(part);
  return batch;
}

describe('the parts writer (CLUSTER-22)', () => {
  it('CLUSTER-22: the follower waits for the local commit of an entry the writer is appending, also once the part was released meanwhile', async () => {
    const { writer, log } = await partsWriter();
    const marker = await log.takeOver(PART, 'node-a', 4);
    writer.hold(PART, 4, marker);
    const done = new Promise<CommitResult>((resolve) => writer.commit(turnOf(PART, 'r-1'), resolve));
    // The lease is lost while the append is under way; the follower then reads the entry (the next one).
    writer.release(PART);
    await writer.committed(PART, 4, marker + 1);
    expect(writer.stored.get(PART)).toBe(marker + 1);
    await expect(done).resolves.toEqual({ ok: true });
    // An entry of a term this writer is not appending (an earlier serving's) resolves at once.
    await writer.committed(PART, 3, marker + 5);
  });
});
