import type { Rng } from '../../../src/engine/rng.js';
import { phaseAt, type PhaseConfig } from '../../../src/engine/generation/phase.js';
import type { Phase } from '../../../src/engine/generation/types.js';

/**
 * The engine draws a random shift (± timeWiggleMinutes) each time it deals a hand; the phone shows the
 * phase without it, at its nominal boundaries. Only `int` is ever called, for that one shift.
 */
const NO_WIGGLE = { int: () => 0 } as unknown as Rng;

/** The phase of the game day at `now` (engine.md §4.3.1), by the engine's own rule, in the session's zone. */
export function phaseOfDay(now: number, timeZone: string, config: PhaseConfig): Phase['kind'] {
  return phaseAt(now, timeZone, config, NO_WIGGLE).phase.kind;
}
