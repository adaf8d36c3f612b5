/**
 * Slot recipes per phase (HAND-5, HAND-6). A slot is a list of filters plus the
 * zone options for the challenge picked into it.
 *
 * Decision (HAND-6): the EndGame ZKaff slot has no sector filter, as in the reference code.
 */
import type { ChallengeKind } from '../catalogue/types.js';
import type { MinuteRange } from '../config/game-config.js';
import type { Rng } from '../rng.js';
import type { GenerationContext } from './context.js';
import { zonesWithin } from './distance.js';
import { truncate } from './numeric.js';
import type { Phase, Slot, SlotLabel } from './types.js';

export const SPECIFIC_KINDS: readonly ChallengeKind[] = ['Kaff', 'Ortsspezifisch', 'Zoneable'];
export const UNSPECIFIC_KINDS: readonly ChallengeKind[] = ['Zoneable', 'Unspezifisch'];

/**
 * Perimeter radius in minutes from the centre zone: shrinks linearly from `range.end` (ratio 0) to
 * `range.start` (ratio 1), truncated toward zero.
 */
export function perimeterRadius(ratio: number, range: MinuteRange): number {
  return truncate(range.end + (range.start - range.end) * ratio);
}

/**
 * Whether the outer and the inner specific slot become ZKaff slots in the ZKaff phase: below ratio 0.5
 * only the outer one may (probability 2r); from 0.5 the outer one always and the inner one with
 * probability 2(r − 0.5); from 1 both.
 */
export function zkaffRolls(ratio: number, rng: Rng): [outer: boolean, inner: boolean] {
  if (ratio < 0) return [false, false];
  if (ratio < 0.5) return [rng.next() < 2 * ratio, false];
  if (ratio < 1) return [true, rng.next() < 2 * (ratio - 0.5)];
  return [true, true];
}

const specific = (): Slot => ({
  label: 'specific',
  filters: [{ type: 'kinds', kinds: SPECIFIC_KINDS }],
  zoneZoneables: true,
  allowedZones: null,
});

const unspecific = (): Slot => ({
  label: 'unspecific',
  filters: [{ type: 'kinds', kinds: UNSPECIFIC_KINDS }],
  zoneZoneables: false,
  allowedZones: null,
});

const regio = (): Slot => ({
  label: 'regio',
  filters: [{ type: 'kinds', kinds: ['Regionsspezifisch'] }],
  zoneZoneables: false,
  allowedZones: null,
});

const zkaff = (withSector: boolean): Slot => ({
  label: withSector ? 'zkaff-sector' : 'zkaff',
  filters: [{ type: 'kinds', kinds: ['ZKaff'] }, ...(withSector ? [{ type: 'sector' as const }] : [])],
  zoneZoneables: true,
  allowedZones: null,
});

function existing(ctx: GenerationContext, ids: number[]): number[] {
  return ids.filter((id) => ctx.catalogue.zones.has(id));
}

/** Specific ∧ team distance in `range`; random zones restricted to that distance from the team. */
function distanceSlot(ctx: GenerationContext, label: SlotLabel, range: MinuteRange): Slot {
  return {
    label,
    filters: [
      { type: 'kinds', kinds: SPECIFIC_KINDS },
      { type: 'distance', min: range.start, max: range.end },
    ],
    zoneZoneables: true,
    allowedZones: existing(ctx, zonesWithin(ctx.teamZone, range.start, range.end)),
  };
}

/** Specific ∧ a listed zone in the centre ring [min, max) ∧ max-kaff; random zones within the ring. */
function ringSlot(ctx: GenerationContext, label: SlotLabel, min: number, max: number): Slot {
  return {
    label,
    filters: [
      { type: 'kinds', kinds: SPECIFIC_KINDS },
      { type: 'ring', min, max },
      { type: 'maxKaff', max: ctx.config.perimMaxKaff },
    ],
    zoneZoneables: true,
    allowedZones: existing(ctx, zonesWithin(ctx.centreZone, min, max)),
  };
}

/** The outer and inner perimeter slots for radius P (P/2 in integer division). */
function ringSlots(ctx: GenerationContext, radius: number): [outer: Slot, inner: Slot] {
  const half = Math.floor(radius / 2);
  return [ringSlot(ctx, 'perimeter-outer', half, radius), ringSlot(ctx, 'perimeter-inner', 0, half)];
}

/** The tuned recipes for a hand of three (HAND-5 table). */
function threeSlots(phase: Phase, ctx: GenerationContext, rng: Rng): Slot[] {
  const { config } = ctx;
  switch (phase.kind) {
    case 'Specific':
      return [specific(), specific(), specific()];
    case 'Normal': {
      // HAND-6: the region-specific roll replaces the *near* slot.
      const regioSlot = rng.next() < Math.min(1, Math.max(0, config.regioRatio));
      const first = regioSlot ? regio() : distanceSlot(ctx, 'near', config.normalPeriodNearDistanceRange);
      return [first, distanceSlot(ctx, 'far', config.normalPeriodFarDistanceRange), unspecific()];
    }
    case 'Perimeter':
      return [...ringSlots(ctx, perimeterRadius(phase.ratio, config.perimDistanceRange)), unspecific()];
    case 'ZKaff': {
      const [outerRoll, innerRoll] = zkaffRolls(phase.ratio, rng);
      const [outer, inner] = ringSlots(ctx, config.perimDistanceRange.start);
      return [outerRoll ? zkaff(true) : outer, innerRoll ? zkaff(true) : inner, unspecific()];
    }
    case 'EndGame':
      return [unspecific(), unspecific(), zkaff(false)];
  }
}

/** The untuned recipes for other hand sizes (HAND-5). */
function otherSlots(phase: Phase, n: number): Slot[] {
  const times = (k: number, make: () => Slot): Slot[] => Array.from({ length: Math.max(0, k) }, make);
  switch (phase.kind) {
    case 'Specific':
      return times(n, specific);
    case 'Normal':
    case 'Perimeter':
      return [...times(n - 1, specific), unspecific()];
    case 'ZKaff':
      return [...times(n - 1, () => zkaff(true)), unspecific()];
    case 'EndGame':
      return [...times(n - 1, unspecific), zkaff(false)];
  }
}

/**
 * The ordered slots of a hand for `phase`. Draws from `rng` only for the Normal phase's regio roll and
 * the ZKaff phase's two rolls (hand size 3).
 */
export function buildSlots(phase: Phase, ctx: GenerationContext, rng: Rng): Slot[] {
  const n = ctx.config.numChallenges;
  return n === 3 ? threeSlots(phase, ctx, rng) : otherSlots(phase, n);
}
