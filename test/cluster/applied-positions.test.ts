import { describe, expect, it } from 'vitest';
import { AppliedPositions, PositionsNotReached } from '../../src/cluster/applied-positions.js';
import { GLOBAL, sessionPart } from '../../src/engine/parts.js';

/** The outcome of a wait so far: 'open' while it has not settled (checked after pending callbacks ran). */
function watch(wait: Promise<void>): {
  readonly state: () => Promise<string>;
  readonly error: () => unknown;
} {
  let state = 'open';
  let error: unknown;
  wait.then(
    () => (state = 'resolved'),
    (e: unknown) => {
      state = 'rejected';
      error = e;
    },
  );
  return {
    state: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return state;
    },
    error: () => error,
  };
}

describe('applied log positions', () => {
  it('[CLUSTER-21] a wait resolves exactly when every part it names reaches its position', async () => {
    const applied = new AppliedPositions();
    applied.advance(GLOBAL, 3);
    await expect(applied.waitFor({ global: 3 }, 1_000)).resolves.toBeUndefined();
    const wait = watch(applied.waitFor({ global: 5, 'session:2': 7 }, 10_000));
    applied.advance(GLOBAL, 4);
    applied.advance(sessionPart(2), 7);
    expect(await wait.state()).toBe('open');
    applied.advance(GLOBAL, 5);
    expect(await wait.state()).toBe('resolved');
    expect(applied.waits).toBe(0);
    // An older position changes nothing.
    applied.advance(GLOBAL, 2);
    expect(applied.position(GLOBAL)).toBe(5);
    expect(applied.snapshot()).toEqual({ global: 5, 'session:2': 7 });
    expect(applied.snapshot([sessionPart(9), GLOBAL])).toEqual({ 'session:9': 0, global: 5 });
  });

  it('[CLUSTER-22] a copy that holds the whole log up to a position has every part applied that far, also one with no entry since (a restarted node)', async () => {
    const applied = new AppliedPositions();
    applied.advance(sessionPart(2), 9);
    const wait = watch(applied.waitFor({ global: 6, 'session:2': 9 }, 10_000));
    expect(await wait.state()).toBe('open');
    applied.advanceEverywhere(5);
    expect(await wait.state()).toBe('open');
    applied.advanceEverywhere(7);
    expect(await wait.state()).toBe('resolved');
    expect(applied.position(GLOBAL)).toBe(7);
    expect(applied.position(sessionPart(2))).toBe(9);
    expect(applied.snapshot([GLOBAL, sessionPart(4)])).toEqual({ global: 7, 'session:4': 7 });
    await expect(applied.waitFor({ 'session:4': 7 }, 1_000)).resolves.toBeUndefined();
  });

  it('[CLUSTER-21] waits resolve in the order of their positions, ties in the order they began', async () => {
    const applied = new AppliedPositions();
    const order: string[] = [];
    const wait = (name: string, at: number): Promise<void> =>
      applied.waitFor({ 'session:1': at }, 10_000).then(() => void order.push(name));
    const all = Promise.all([wait('c', 9), wait('a', 2), wait('b', 5), wait('a2', 2), wait('d', 12)]);
    applied.advance(sessionPart(1), 1);
    applied.advance(sessionPart(1), 9);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a', 'a2', 'b', 'c']);
    applied.advance(sessionPart(1), 12);
    await all;
    expect(order).toEqual(['a', 'a2', 'b', 'c', 'd']);
  });

  it('[CLUSTER-21] a wait that runs out of time rejects with PositionsNotReached naming what is missing', async () => {
    const applied = new AppliedPositions();
    applied.advance(GLOBAL, 4);
    const error: unknown = await applied.waitFor({ global: 6, 'session:3': 1 }, 30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PositionsNotReached);
    expect(error).toMatchObject({
      reason: 'timeout',
      missing: { global: { wanted: 6, applied: 4 }, 'session:3': { wanted: 1, applied: 0 } },
    });
    // Nothing of it is left waiting, and a later advance settles only later waits.
    expect(applied.waits).toBe(0);
    const later = watch(applied.waitFor({ global: 6 }, 10_000));
    applied.advance(GLOBAL, 6);
    expect(await later.state()).toBe('resolved');
  });

  it('[CLUSTER-21] stop rejects every open wait and any later one: no waiter is left behind', async () => {
    const applied = new AppliedPositions();
    const waits = [
      watch(applied.waitFor({ global: 1 }, 10_000)),
      watch(applied.waitFor({ global: 2, 'session:1': 1 }, 10_000)),
    ];
    expect(applied.waits).toBe(2);
    applied.stop();
    for (const wait of waits) {
      expect(await wait.state()).toBe('rejected');
      expect(wait.error()).toMatchObject({ reason: 'stopped' });
    }
    expect(applied.waits).toBe(0);
    await expect(applied.waitFor({ global: 1 }, 10_000)).rejects.toBeInstanceOf(PositionsNotReached);
  });
});
