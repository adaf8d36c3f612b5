import { describe, expect, it } from 'vitest';
import { freshnessOf, FRESH_MS, OFFLINE_MS } from '../../web/src/map/freshness.js';

describe('a team marker’s freshness, from its device capture time', () => {
  const now = 1_800_000_000_000;
  it.each([
    [null, 'never'],
    [now, 'fresh'],
    [now - FRESH_MS + 1, 'fresh'],
    [now - FRESH_MS, 'stale'],
    [now - OFFLINE_MS + 1, 'stale'],
    [now - OFFLINE_MS, 'offline'],
    [now - 3_600_000, 'offline'],
    // A phone clock a little ahead of ours is still fresh.
    [now + 5_000, 'fresh'],
  ] as const)('captured at %s is %s', (capturedAt, expected) => {
    expect(freshnessOf(capturedAt, now)).toBe(expected);
  });
});
