/** How current a team's position is, by its device's capture time. */
export type Freshness = 'fresh' | 'stale' | 'offline' | 'never';

/** Younger than this: the team is where the marker is. */
export const FRESH_MS = 2 * 60_000;
/** Older than this: the team's phones have most likely stopped sending (a tunnel, a flat battery). */
export const OFFLINE_MS = 10 * 60_000;

/** The freshness of a position captured at `capturedAt` (epoch ms; null: never seen). */
export function freshnessOf(capturedAt: number | null, now: number): Freshness {
  if (capturedAt === null) return 'never';
  const age = now - capturedAt;
  if (age < FRESH_MS) return 'fresh';
  if (age < OFFLINE_MS) return 'stale';
  return 'offline';
}
