import { describe, expect, it } from 'vitest';
import { CATCH_RADIUS_M, catchEvidenceProblem, haversineMetres } from '../../src/protocol/index.js';

/** The pure rule clients import for their pre-check (CATCH-6); the engine's use is in test/game. */
describe('[CATCH-6] catchEvidenceProblem, as clients import it from the protocol', () => {
  const now = 1_800_000_000_000;
  const here = { lat: 47.3779, lon: 8.5403, timestamp: now };
  const judge = (catcher: typeof here | null, caught: typeof here | null) =>
    catchEvidenceProblem({ catcher, caught, now, maxAgeMinutes: 5 });

  it('names the catcher’s problem before the runners’, and the runners’ before the distance', () => {
    expect(judge(null, null)).toEqual({ code: 'CATCHER_LOCATION_MISSING' });
    expect(judge({ ...here, timestamp: now - 300_001 }, null)).toEqual({
      code: 'CATCHER_LOCATION_STALE',
      ageMs: 300_001,
    });
    expect(judge(here, null)).toEqual({ code: 'TARGET_LOCATION_MISSING' });
    const faraway = { ...here, lat: 48, timestamp: now - 300_001 };
    expect(judge(here, faraway)).toEqual({ code: 'TARGET_LOCATION_STALE', ageMs: 300_001 });
    expect(judge(here, { ...faraway, timestamp: now })).toEqual({
      code: 'TEAMS_TOO_FAR',
      metres: haversineMetres(here, faraway),
    });
  });

  it('allows fresh positions within the radius, also a phone clock slightly ahead', () => {
    expect(CATCH_RADIUS_M).toBe(300);
    expect(judge(here, { ...here, lat: here.lat + 0.001, timestamp: now + 30_000 })).toBeUndefined();
  });
});
