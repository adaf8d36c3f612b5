import {
  catchEvidenceProblem,
  type CatchEvidenceProblem,
  type TimedPosition,
} from '../../../src/protocol/catch-evidence.js';
import { haversineMetres } from '../../../src/protocol/geo.js';

export interface CatchPrecheck {
  /** Why the engine would refuse the catch now (CATCH-6); undefined when it would accept it. */
  readonly problem: CatchEvidenceProblem | undefined;
  /** Metres between the catcher and the target's last known position, when both are known. */
  readonly metres: number | null;
  /** How old the target's position is (from its device's capture time), when there is one. */
  readonly ageMs: number | null;
}

/**
 * The catcher's check before sending a catch ("340 m, 2 min ago — too far"): the protocol's one catch
 * evidence rule, judged on the phone's clock with the session's `catchLocationMaxAgeMinutes`, plus the
 * distance and age the screen shows beside the verdict.
 */
export function catchPrecheck(
  own: TimedPosition | null,
  target: TimedPosition | null,
  now: number,
  maxAgeMinutes: number,
): CatchPrecheck {
  return {
    problem: catchEvidenceProblem({ catcher: own, caught: target, now, maxAgeMinutes }),
    metres: own === null || target === null ? null : haversineMetres(own, target),
    ageMs: target === null ? null : Math.max(0, now - target.timestamp),
  };
}
