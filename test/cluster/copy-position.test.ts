import { describe, expect, it } from 'vitest';
import { BATCH_STREAM } from '../../src/cluster/batch-log.js';
import { CopyPosition, slowestCopy, trimBehindCopies } from '../../src/cluster/copy-position.js';
import { openLeaseBucket } from '../../src/cluster/engine-lease.js';
import { partLogsPerTest } from './support/part-logs.js';

const logs = partLogsPerTest();

describe('the log trimmed behind the live copies', () => {
  it('[CLUSTER-23] trims through the snapshot’s position but not past a live copy’s, and keeps each part’s last entry', async () => {
    const { js, jsm, log } = await logs.open(await logs.start());
    const kv = await openLeaseBucket(js, js, { ttlMs: 60_000, replicas: 3 });
    // Entries 1–10 alternate between the global part and a session; each part starts with its marker.
    const last = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const part = i % 2 === 0 ? 'global' : 'session:1';
      const entry =
        (last.get(part) ?? 0) === 0
          ? ({ kind: 'takeover', node: 'a', term: 1, part } as const)
          : ({ kind: 'batch', node: 'a', term: 1, part, batch: '{}' } as const);
      last.set(part, await log.append(entry, last.get(part) ?? 0));
    }
    const stored = async (): Promise<number[]> => {
      const seqs: number[] = [];
      for (let seq = 1; seq <= 10; seq++) {
        const message = await jsm.streams.getMessage(BATCH_STREAM, { seq }).catch(() => null);
        if (message !== null) seqs.push(seq);
      }
      return seqs;
    };

    const slow = new CopyPosition(kv, 'slow', () => 4);
    await slow.start(1_000);
    const fast = new CopyPosition(kv, 'fast', () => 10);
    await fast.start(1_000);
    expect(await slowestCopy(kv)).toBe(4);
    const trimmed = trimBehindCopies(log, kv);
    expect(await trimmed.trimThrough(8)).toBe(4);
    expect(await stored()).toEqual([5, 6, 7, 8, 9, 10]);

    // The slow copy stops (or ages out): the trim goes on to the snapshot's position, but never takes a
    // part's last entry (its holder's next append expects it, CLUSTER-19).
    await slow.stop();
    expect(await slowestCopy(kv)).toBe(10);
    expect(await trimmed.trimThrough(10)).toBe(4);
    expect(await stored()).toEqual([9, 10]);
    await fast.stop();
    expect(await slowestCopy(kv)).toBeUndefined();
    // Appends go on after the trim, each expecting its part's last entry.
    expect(await log.append({ kind: 'batch', node: 'a', term: 1, part: 'global', batch: '{}' }, 9)).toBe(11);
  });
});
