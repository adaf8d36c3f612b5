import { describe, expect, it } from 'vitest';
import { PruneSchedule } from '../../src/runtime/prune.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('the prune schedule', () => {
  it('prunes at the first commit, then every 10 minutes, everything older than the retention', () => {
    const prune = new PruneSchedule(2 * DAY);
    const t0 = Date.UTC(2026, 5, 13);
    expect(prune.due(t0)).toBe(t0 - 2 * DAY);
    expect(prune.due(t0 + 9 * MINUTE)).toBeUndefined();
    expect(prune.due(t0 + 10 * MINUTE)).toBe(t0 + 10 * MINUTE - 2 * DAY);
  });

  it('keeps at least a day, whatever it is told', () => {
    const t0 = Date.UTC(2026, 5, 13);
    expect(new PruneSchedule(MINUTE).due(t0)).toBe(t0 - DAY);
    expect(new PruneSchedule().due(t0)).toBe(t0 - DAY);
  });
});
