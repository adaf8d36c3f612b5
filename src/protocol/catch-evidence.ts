import type { ErrorCode } from './errors.js';
import { haversineMetres, type LatLon } from './geo.js';

/** How close a catcher must be to the team it catches, in metres (CATCH-2). */
export const CATCH_RADIUS_M = 300;

/** A position with the time it was taken (epoch ms, the phone's clock). */
export interface TimedPosition extends LatLon {
  readonly timestamp: number;
}

/** What a catch is judged on (CATCH-6). */
export interface CatchEvidence {
  /** Where the catcher is: the position sent with the catch, or its team's latest location. */
  readonly catcher: TimedPosition | null;
  /** The caught team's latest location. */
  readonly caught: TimedPosition | null;
  /** The time the catch is judged at (the server's clock; a client's pre-check uses its own). */
  readonly now: number;
  /** The session's `catchLocationMaxAgeMinutes`. */
  readonly maxAgeMinutes: number;
}

type Problem<C extends ErrorCode, D = object> = { readonly code: C } & D;

/** Why the evidence does not allow the catch; each is an error code of the protocol. */
export type CatchEvidenceProblem =
  | Problem<'CATCHER_LOCATION_MISSING'>
  | Problem<'CATCHER_LOCATION_STALE', { readonly ageMs: number }>
  | Problem<'TARGET_LOCATION_MISSING'>
  | Problem<'TARGET_LOCATION_STALE', { readonly ageMs: number }>
  | Problem<'TEAMS_TOO_FAR', { readonly metres: number }>;

/**
 * The catch evidence rule (CATCH-6), pure, shared by the engine and clients (a phone checks before it
 * sends, with the same function). Both positions must exist and be at most `maxAgeMinutes` old (exactly
 * that old still counts), the catcher's first, and they must be at most {@link CATCH_RADIUS_M} apart
 * (exactly 300 m still counts). Undefined means the catch may happen.
 */
export function catchEvidenceProblem(evidence: CatchEvidence): CatchEvidenceProblem | undefined {
  const { catcher, caught, now } = evidence;
  const maxAgeMs = evidence.maxAgeMinutes * 60_000;
  if (catcher === null) return { code: 'CATCHER_LOCATION_MISSING' };
  if (now - catcher.timestamp > maxAgeMs)
    return { code: 'CATCHER_LOCATION_STALE', ageMs: now - catcher.timestamp };
  if (caught === null) return { code: 'TARGET_LOCATION_MISSING' };
  if (now - caught.timestamp > maxAgeMs)
    return { code: 'TARGET_LOCATION_STALE', ageMs: now - caught.timestamp };
  const metres = haversineMetres(catcher, caught);
  return metres > CATCH_RADIUS_M ? { code: 'TEAMS_TOO_FAR', metres } : undefined;
}
