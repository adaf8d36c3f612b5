import { parseTimeOfDay } from '../config/game-config.js';
import { nextWallTime, previousWallTime } from '../time-zone.js';

/** How long after a game day's end a start still counts as restarting that (finished) game (START-5). */
export const RESTART_WINDOW_MS = 12 * 3_600_000;

/** A start's game day: when it ends, or why it cannot start now. */
export type GameDay =
  | { readonly ok: true; readonly endsAt: number }
  | { readonly ok: false; readonly endedAt: number; readonly startsAfter: number };

/**
 * The game day a start at `now` belongs to (START-5). Only the end time of day decides, so the
 * rule is the same for same-day and overnight games:
 * - a start at most {@link RESTART_WINDOW_MS} after the latest passed end time (exactly 12 h included) is
 *   refused: that game day is over;
 * - a later start is an early start of the next game day, which ends at the next end time.
 * Both are measured in elapsed time, so across a DST change "12 hours" is still 12 real hours; an end time
 * that the change skips or repeats is read as src/engine/time-zone.ts says (moved on by the gap; the first
 * of the two).
 */
export function gameDayOf(now: number, endTime: string, timeZone: string): GameDay {
  const minuteOfDay = parseTimeOfDay(endTime);
  // The config was validated when set: an unreadable end time is a broken invariant, not a user error.
  if (minuteOfDay === undefined) throw new RangeError(`endTime "${endTime}" is not HH:MM`);
  const endedAt = previousWallTime(now, minuteOfDay, timeZone);
  if (now - endedAt <= RESTART_WINDOW_MS)
    return { ok: false, endedAt, startsAfter: endedAt + RESTART_WINDOW_MS };
  return { ok: true, endsAt: nextWallTime(now, minuteOfDay, timeZone) };
}
