import { CATCH_RADIUS_M } from '../../../src/protocol/catch-evidence.js';
import { haversineMetres, type LatLon } from '../../../src/protocol/geo.js';

/**
 * How old the runners' last position may be for a catch (CATCH-6's `catchLocationMaxAgeMinutes`, default 5):
 * older, and the catcher should ask them to open their app before trying.
 */
export const CATCH_LOCATION_MAX_AGE_MS = 5 * 60_000;

export type CatchVerdict = 'inReach' | 'tooFar' | 'noTargetFix' | 'noOwnFix';

export interface CatchPrecheck {
  readonly verdict: CatchVerdict;
  /** Metres between the catcher's fix and the target's last known position, when both are known. */
  readonly metres: number | null;
  /** How old the target's position is (from its device's capture time). */
  readonly ageMs: number | null;
  /** Whether that position is older than a catch accepts. */
  readonly stale: boolean;
}

/**
 * The catcher's check before sending a catch ("340 m, 2 min ago — too far"): the distance to the target
 * team's last known position by the engine's own rule, and that position's age.
 */
export function catchPrecheck(
  own: LatLon | null,
  target: (LatLon & { timestamp: number }) | null,
  now: number,
): CatchPrecheck {
  const ageMs = target === null ? null : Math.max(0, now - target.timestamp);
  const stale = ageMs !== null && ageMs > CATCH_LOCATION_MAX_AGE_MS;
  if (target === null) return { verdict: 'noTargetFix', metres: null, ageMs, stale };
  if (own === null) return { verdict: 'noOwnFix', metres: null, ageMs, stale };
  const metres = haversineMetres(own, target);
  return { verdict: metres <= CATCH_RADIUS_M ? 'inReach' : 'tooFar', metres, ageMs, stale };
}
