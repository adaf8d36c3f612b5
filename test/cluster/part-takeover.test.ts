import { describe, expect, it } from 'vitest';
import { AppliedPositions, PositionsNotReached } from '../../src/cluster/applied-positions.js';
import type { PartLog } from '../../src/cluster/part-log.js';
import { takeOverPart, type TakeoverSteps } from '../../src/cluster/part-takeover.js';
import { partOfKey } from '../../src/engine/parts.js';
import { partLogsPerTest } from './support/part-logs.js';

const logs = partLogsPerTest();

const PART = 'session:7';

/** A part log over a fresh cluster's batch stream. */
async function partLog(): Promise<PartLog> {
  return (await logs.open(await logs.start())).log;
}

/** One node's side of its takeovers: the term its lease manager holds the part in now, and what it did. */
class NodeSide {
  heldTerm: number | undefined;
  readonly holds: [number, number][] = [];
  readonly owned: number[] = [];

  steps(term: number): TakeoverSteps {
    return {
      stillHeld: () => this.heldTerm === term,
      hold: (marker) => this.holds.push([term, marker]),
      own: () => this.owned.push(term),
    };
  }
}

describe('taking a part over (CLUSTER-22)', () => {
  it('CLUSTER-22: an older takeover of a part lost and claimed again steps nothing, even once its copy reached its marker; the newer steps once the copy has what other holders appended', async () => {
    const log = await partLog();
    const applied = new AppliedPositions();
    const node = new NodeSide();
    node.heldTerm = 10;
    const older = takeOverPart(
      log,
      applied,
      { part: PART, node: 'a', term: 10, timeoutMs: 10_000 },
      node.steps(10),
    );
    await expect.poll(() => node.holds.length).toBe(1);
    const olderMarker = (node.holds[0] as [number, number])[1];

    // The lease is lost; another node holds the part for a while and appends to it.
    node.heldTerm = undefined;
    const otherMarker = await log.takeOver(PART, 'b', 15);
    let last = otherMarker;
    for (const batch of ['f4', 'f5', 'f6'])
      last = await log.append({ kind: 'batch', node: 'b', term: 15, part: PART, batch }, last);
    // The node claims the part again.
    node.heldTerm = 20;
    const newer = takeOverPart(
      log,
      applied,
      { part: PART, node: 'a', term: 20, timeoutMs: 10_000 },
      node.steps(20),
    );
    await expect.poll(() => node.holds.length).toBe(2);
    const newerMarker = (node.holds[1] as [number, number])[1];
    expect(newerMarker).toBeGreaterThan(last);

    // The copy reaches the older marker: the older takeover ends, nothing is stepped.
    applied.advance(partOfKey(PART), olderMarker);
    await expect(older).resolves.toBeUndefined();
    expect(node.owned).toEqual([]);
    // The other holder's entries are applied: still nothing; then the newer marker: the part is stepped.
    applied.advance(partOfKey(PART), last);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(node.owned).toEqual([]);
    applied.advance(partOfKey(PART), newerMarker);
    await expect(newer).resolves.toBe(newerMarker);
    expect(node.owned).toEqual([20]);
    expect(node.holds).toEqual([
      [10, olderMarker],
      [20, newerMarker],
    ]);
  });

  it('CLUSTER-22: a takeover whose lease ends while its marker goes out holds nothing; one whose wait runs out throws only while it still holds the part', async () => {
    const log = await partLog();
    const applied = new AppliedPositions();
    const lost = new NodeSide();
    lost.heldTerm = undefined;
    await expect(
      takeOverPart(log, applied, { part: PART, node: 'a', term: 3, timeoutMs: 100 }, lost.steps(3)),
    ).resolves.toBeUndefined();
    expect(lost.holds).toEqual([]);

    // Lost while waiting: the wait runs out, and that is no failure.
    const lostWaiting = new NodeSide();
    lostWaiting.heldTerm = 4;
    const ending = takeOverPart(
      log,
      applied,
      { part: PART, node: 'a', term: 4, timeoutMs: 300 },
      lostWaiting.steps(4),
    );
    await expect.poll(() => lostWaiting.holds.length).toBe(1);
    lostWaiting.heldTerm = undefined;
    await expect(ending).resolves.toBeUndefined();

    const held = new NodeSide();
    held.heldTerm = 5;
    await expect(
      takeOverPart(log, applied, { part: PART, node: 'a', term: 5, timeoutMs: 100 }, held.steps(5)),
    ).rejects.toBeInstanceOf(PositionsNotReached);
    expect(held.owned).toEqual([]);
  });
});
