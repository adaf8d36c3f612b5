/**
 * Which generation phase it is (HAND-3, HAND-4).
 *
 * Times are read on the local wall clock of the session's time zone. Decision (HAND-4): a game
 * whose end time of day is earlier than its start time runs over midnight. We measure "now" as seconds
 * since the start time of day, modulo 24 h. The hours outside the game window are split at their
 * midpoint: the first half counts as "after the end" (EndGame), the second half as "before the start"
 * (Specific). For the default 09:00–17:00 that only differs from the reference (which splits at
 * midnight) between 00:00 and 01:00. DST shifts inside a game day are not corrected for.
 */
import type { GameConfig } from '../config/game-config.js';
import { parseTimeOfDay } from '../config/game-config.js';
import type { Rng } from '../rng.js';
import { localTime, secondsOfDay } from '../time-zone.js';
import type { Phase, PhaseResult } from './types.js';

const DAY = 24 * 3600;

export type PhaseConfig = Pick<
  GameConfig,
  | 'startTime'
  | 'endTime'
  | 'specificMinutes'
  | 'perimeterMinutes'
  | 'zkaffMinutes'
  | 'endGameMinutes'
  | 'timeWiggleMinutes'
  | 'zkaffRatioRange'
>;

const mod = (a: number, n: number): number => ((a % n) + n) % n;

function timeOfDaySeconds(text: string, field: string): number {
  const minutes = parseTimeOfDay(text);
  if (minutes === undefined) throw new RangeError(`${field} "${text}" is not HH:MM`);
  return minutes * 60;
}

/** Length of the game in seconds: end − start, wrapped over midnight; equal times mean 24 h. */
function gameLength(config: PhaseConfig): number {
  const len = mod(
    timeOfDaySeconds(config.endTime, 'endTime') - timeOfDaySeconds(config.startTime, 'startTime'),
    DAY,
  );
  return len === 0 ? DAY : len;
}

/** Seconds since the start time of day: in [−(gap/2), length + gap/2) where gap is the off-game time. */
export function secondsIntoGame(secondsOfDay: number, config: PhaseConfig): number {
  const length = gameLength(config);
  const since = mod(secondsOfDay - timeOfDaySeconds(config.startTime, 'startTime'), DAY);
  return since >= length + (DAY - length) / 2 ? since - DAY : since;
}

/** The phase for a (wiggled) time inside the game, `t` seconds after the start time. */
function phaseAfterWiggle(t: number, length: number, config: PhaseConfig): Phase {
  const endGame = length - config.endGameMinutes * 60;
  const zkaffStart = endGame - config.zkaffMinutes * 60;
  const perimStart = zkaffStart - config.perimeterMinutes * 60;
  if (t >= endGame) return { kind: 'EndGame' };
  if (t >= zkaffStart) {
    const m = Math.floor((t - zkaffStart) / 60);
    const { start, end } = config.zkaffRatioRange;
    return { kind: 'ZKaff', ratio: start + ((end - start) * m) / config.zkaffMinutes };
  }
  if (t >= perimStart)
    return { kind: 'Perimeter', ratio: Math.floor((t - perimStart) / 60) / config.perimeterMinutes };
  return { kind: 'Normal' };
}

/**
 * Decides the phase for a local time of day (seconds since midnight). Draws one wiggle offset from `rng`
 * (uniform whole seconds in ±timeWiggleMinutes·60) unless the time falls in the Specific window or after
 * the end, which are decided without wiggle.
 */
export function determinePhase(secondsOfDay: number, config: PhaseConfig, rng: Rng): PhaseResult {
  const t = secondsIntoGame(secondsOfDay, config);
  const length = gameLength(config);
  if (t <= config.specificMinutes * 60)
    return { phase: { kind: 'Specific' }, secondsIntoGame: t, wiggleSeconds: null };
  if (t >= length) return { phase: { kind: 'EndGame' }, secondsIntoGame: t, wiggleSeconds: null };
  const w = config.timeWiggleMinutes * 60;
  const wiggle = rng.int(-w, w);
  return { phase: phaseAfterWiggle(t + wiggle, length, config), secondsIntoGame: t, wiggleSeconds: wiggle };
}

/** {@link determinePhase} for an epoch timestamp read in `timeZone`. */
export function phaseAt(epochMs: number, timeZone: string, config: PhaseConfig, rng: Rng): PhaseResult {
  return determinePhase(secondsOfDay(localTime(epochMs, timeZone)), config, rng);
}
