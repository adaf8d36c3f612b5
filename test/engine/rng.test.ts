import { describe, expect, it } from 'vitest';
import { lazilySeededRng, seededRng } from '../../src/engine/rng.js';

const SEED = '0123456789abcdef0123456789abcdef';

/** A seed source that counts how often it was asked. */
function seedSource(): { draw: () => string; readonly calls: number } {
  let calls = 0;
  return {
    draw: () => {
      calls++;
      return SEED;
    },
    get calls() {
      return calls;
    },
  };
}

describe('[TIME-3] the lazily seeded RNG of a step', () => {
  it('[DURABILITY-9] draws no seed while nothing is drawn from it', () => {
    const source = seedSource();
    const rng = lazilySeededRng(source.draw);
    expect(rng.seed).toBeUndefined();
    expect(source.calls).toBe(0);
    // A pick from an empty list draws nothing: still no seed to journal.
    expect(rng.pick([])).toBeUndefined();
    expect(rng.shuffle([])).toEqual([]);
    expect(rng.seed).toBeUndefined();
  });

  it('makes the draws a seeded RNG makes with the seed it tells, once seeded', () => {
    const source = seedSource();
    const rng = lazilySeededRng(source.draw);
    const draws = [
      rng.int(1, 6),
      rng.hex(4),
      rng.next(),
      rng.pick(['a', 'b', 'c']),
      rng.shuffle([1, 2, 3, 4]),
    ];
    expect(rng.seed).toBe(SEED);
    expect(source.calls).toBe(1);
    const replay = seededRng(SEED);
    expect([
      replay.int(1, 6),
      replay.hex(4),
      replay.next(),
      replay.pick(['a', 'b', 'c']),
      replay.shuffle([1, 2, 3, 4]),
    ]).toEqual(draws);
  });
});
