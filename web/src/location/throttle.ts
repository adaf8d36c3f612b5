import { haversineMetres, type LatLon } from '../../../src/protocol/geo.js';

/** A fix is sent at once when the phone moved farther than this since the last one sent… */
export const MOVE_METRES = 10;
/** …and otherwise once this long passed since the last send… */
export const MAX_SILENCE_MS = 10_000;
/** …but never sooner than this after the last send. */
export const MIN_GAP_MS = 3_000;
/** In low-power mode every interval is this many times longer. */
export const LOW_POWER_SCALE = 6;

export interface Fixed extends LatLon {
  /** Device capture time, epoch ms. */
  readonly timestamp: number;
}

/** The last fix sent, and when. */
export interface LastSent {
  readonly fix: Fixed;
  readonly sentAt: number;
}

/**
 * When the newest fix should be sent (issue 10): 0 = now; a number of ms = then, unless a newer fix comes
 * first; null = never (it is not newer than the last one sent). A fix that moved more than 10 m goes as
 * soon as 3 s passed since the last send, any other newer fix once 10 s passed. Low-power mode stretches
 * both intervals.
 */
export function sendDelay(last: LastSent | null, next: Fixed, now: number, lowPower = false): number | null {
  if (last === null) return 0;
  if (next.timestamp <= last.fix.timestamp) return null;
  const scale = lowPower ? LOW_POWER_SCALE : 1;
  const moved = haversineMetres(last.fix, next) > MOVE_METRES;
  const due = (moved ? MIN_GAP_MS : MAX_SILENCE_MS) * scale;
  return Math.max(0, due - (now - last.sentAt));
}
