/**
 * Candidate filtering with fallback levels (HAND-9, HAND-10), with these deliberate differences from
 * the reference:
 *
 * - An empty `challengeSets` config means "every set": the set filter is off. (The reference's empty
 *   default rejected everything and silently fell through to a level that also ignored history.)
 * - A challenge the team already completed is never dealt again, at any level.
 * - No duplicates within a hand, at any level (the reference allowed them from level 3 on).
 * - Only playable statuses (Approved, Refactor) are ever dealt (CATALOGUE-2); the reference's last level
 *   ("any entry at all, even rejected ones") is dropped.
 * - When no level has a candidate the slot stays empty and generation reports it, instead of keeping
 *   the previous hand.
 */
import type { Challenge } from '../catalogue/types.js';
import { isPlayableStatus } from '../catalogue/types.js';
import type { Rng } from '../rng.js';
import type { GenerationContext } from './context.js';
import { challengeDistance } from './distance.js';
import type { Slot, SlotFilter } from './types.js';

/** What each fallback level relaxes, for problem reports. Index = level. */
export const FALLBACK_LEVELS = [
  'all filters',
  'challenges offered before allowed',
  'challenge sets ignored',
  'slot filters ignored (any kind)',
] as const;

export const LAST_LEVEL = FALLBACK_LEVELS.length - 1;

/** Whether `challenge` passes one slot filter. */
export function matchesFilter(challenge: Challenge, filter: SlotFilter, ctx: GenerationContext): boolean {
  switch (filter.type) {
    case 'kinds':
      return filter.kinds.includes(challenge.kind);
    case 'distance': {
      const d = challengeDistance(ctx.teamZone, challenge);
      return d >= filter.min && d < filter.max;
    }
    case 'ring':
      return challenge.zones.some((id) => {
        const m = ctx.centreZone.minutesTo[id];
        return m !== undefined && m >= filter.min && m < filter.max;
      });
    case 'maxKaff':
      return challenge.kaffskala === null || challenge.kaffskala <= filter.max;
    case 'sector':
      return challenge.sectors.some((id) => ctx.adjacentSectors.has(id));
  }
}

function inConfiguredSets(challenge: Challenge, ctx: GenerationContext): boolean {
  const wanted = ctx.config.challengeSets;
  return wanted.length === 0 || challenge.sets.some((id) => wanted.includes(id));
}

/**
 * The challenges eligible for `slot` at fallback `level` (0–{@link LAST_LEVEL}), ascending by id.
 * `taken` holds the ids already dealt into this hand.
 */
export function candidatesAtLevel(
  slot: Slot,
  ctx: GenerationContext,
  taken: ReadonlySet<number>,
  level: number,
): Challenge[] {
  return ctx.challenges.filter(
    (c) =>
      !taken.has(c.id) &&
      isPlayableStatus(c.status) &&
      !ctx.completed.has(c.id) &&
      (level >= 2 || inConfiguredSets(c, ctx)) &&
      (level >= 1 || !ctx.seen.has(c.id)) &&
      (level >= 3 || slot.filters.every((f) => matchesFilter(c, f, ctx))),
  );
}

export interface Pick {
  challenge: Challenge;
  level: number;
}

/** Picks uniformly among the candidates of the lowest level that has any; null if none has. */
export function pickForSlot(
  slot: Slot,
  ctx: GenerationContext,
  taken: ReadonlySet<number>,
  rng: Rng,
): Pick | null {
  for (let level = 0; level <= LAST_LEVEL; level++) {
    const challenge = rng.pick(candidatesAtLevel(slot, ctx, taken, level));
    if (challenge) return { challenge, level };
  }
  return null;
}
