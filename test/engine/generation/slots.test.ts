import { describe, expect, it } from 'vitest';
import type { Phase, Slot } from '../../../src/engine/generation/types.js';
import {
  buildSlots,
  SPECIFIC_KINDS,
  UNSPECIFIC_KINDS,
  zkaffRolls,
} from '../../../src/engine/generation/slots.js';
import { phaseAt } from '../../../src/engine/generation/phase.js';
import { seededRng, type Rng } from '../../../src/engine/rng.js';
import { at, makeCatalogue, makeContext, makeTeam, rngWith, share, testConfig, Z } from './fixtures.js';

const catalogue = makeCatalogue();
const ctxIn = (zoneId: number, over = {}) => makeContext(catalogue, testConfig(over), makeTeam({ zoneId }));
const labels = (slots: Slot[]): string[] => slots.map((s) => s.label);
const alwaysLow = rngWith({ next: () => 0 });
const alwaysHigh = rngWith({ next: () => 0.999 });

describe('[HAND-5] hand of three', () => {
  it('Specific: three specific slots, zoned, any zone', () => {
    const slots = buildSlots({ kind: 'Specific' }, ctxIn(Z.z110), seededRng(1));
    expect(slots).toHaveLength(3);
    for (const s of slots) {
      expect(s).toEqual({
        label: 'specific',
        filters: [{ type: 'kinds', kinds: SPECIFIC_KINDS }],
        zoneZoneables: true,
        allowedZones: null,
      });
    }
  });

  it('Normal without the regio roll: near, far (zones by distance from the team), unspecific', () => {
    const slots = buildSlots({ kind: 'Normal' }, ctxIn(Z.z121), alwaysHigh);
    expect(labels(slots)).toEqual(['near', 'far', 'unspecific']);
    const [near, far, rest] = slots;
    expect(near?.filters).toContainEqual({ type: 'distance', min: 0, max: 26 });
    expect(near?.allowedZones).toEqual([Z.z110, Z.z121, Z.z135]);
    expect(far?.filters).toContainEqual({ type: 'distance', min: 40, max: 71 });
    expect(far?.allowedZones).toEqual([Z.z181]);
    expect(rest).toMatchObject({
      zoneZoneables: false,
      filters: [{ type: 'kinds', kinds: UNSPECIFIC_KINDS }],
    });
  });

  it('[HAND-6] Normal with the regio roll: the NEAR slot becomes regio', () => {
    const slots = buildSlots({ kind: 'Normal' }, ctxIn(Z.z121), alwaysLow);
    expect(labels(slots)).toEqual(['regio', 'far', 'unspecific']);
    expect(slots[0]).toMatchObject({
      zoneZoneables: false,
      filters: [{ type: 'kinds', kinds: ['Regionsspezifisch'] }],
    });
  });

  it('Normal: the regio roll comes up with probability regioRatio', () => {
    const ctx = ctxIn(Z.z121);
    const p = share(20000, (rng) => buildSlots({ kind: 'Normal' }, ctx, rng)[0]?.label === 'regio');
    expect(p).toBeGreaterThan(0.38);
    expect(p).toBeLessThan(0.42);
    const never = ctxIn(Z.z121, { regioRatio: 0 });
    expect(share(2000, (rng) => buildSlots({ kind: 'Normal' }, never, rng)[0]?.label === 'regio')).toBe(0);
  });

  it('Perimeter(0.5): rings of P = 42 around the centre zone, max-kaff, from the centre not the team', () => {
    const slots = buildSlots({ kind: 'Perimeter', ratio: 0.5 }, ctxIn(Z.z181), seededRng(1));
    expect(labels(slots)).toEqual(['perimeter-outer', 'perimeter-inner', 'unspecific']);
    const [outer, inner] = slots;
    expect(outer?.filters).toEqual([
      { type: 'kinds', kinds: SPECIFIC_KINDS },
      { type: 'ring', min: 21, max: 42 },
      { type: 'maxKaff', max: 4 },
    ]);
    expect(outer?.allowedZones).toEqual([Z.z121]);
    expect(inner?.filters).toContainEqual({ type: 'ring', min: 0, max: 21 });
    expect(inner?.allowedZones).toEqual([Z.z110]);
  });

  it('ZKaff without rolls: rings frozen at perimDistanceRange.start (0–11, 12–23)', () => {
    const slots = buildSlots({ kind: 'ZKaff', ratio: -0.1 }, ctxIn(Z.z110), seededRng(1));
    expect(labels(slots)).toEqual(['perimeter-outer', 'perimeter-inner', 'unspecific']);
    expect(slots[0]?.filters).toContainEqual({ type: 'ring', min: 12, max: 24 });
    expect(slots[1]?.filters).toContainEqual({ type: 'ring', min: 0, max: 12 });
  });

  it('ZKaff with both rolls: zkaff ∧ sector twice', () => {
    const slots = buildSlots({ kind: 'ZKaff', ratio: 1.2 }, ctxIn(Z.z110), seededRng(1));
    expect(labels(slots)).toEqual(['zkaff-sector', 'zkaff-sector', 'unspecific']);
    expect(slots[0]?.filters).toEqual([{ type: 'kinds', kinds: ['ZKaff'] }, { type: 'sector' }]);
  });

  it('[HAND-6] EndGame: two unspecific and a ZKaff without sector filter', () => {
    const slots = buildSlots({ kind: 'EndGame' }, ctxIn(Z.z110), seededRng(1));
    expect(labels(slots)).toEqual(['unspecific', 'unspecific', 'zkaff']);
    expect(slots[2]?.filters).toEqual([{ type: 'kinds', kinds: ['ZKaff'] }]);
  });
});

describe('[HAND-5] ZKaff rolls', () => {
  it('follow the ratio bands', () => {
    expect(zkaffRolls(-0.01, alwaysLow)).toEqual([false, false]);
    expect(zkaffRolls(0, alwaysLow)).toEqual([false, false]);
    expect(zkaffRolls(0.25, alwaysLow)).toEqual([true, false]);
    expect(zkaffRolls(0.25, alwaysHigh)).toEqual([false, false]);
    expect(zkaffRolls(0.5, alwaysHigh)).toEqual([true, false]);
    expect(zkaffRolls(0.75, alwaysLow)).toEqual([true, true]);
    expect(zkaffRolls(1, alwaysHigh)).toEqual([true, true]);
  });

  // Example 8, observed through the slots the phase produces at real local times (wiggle off).
  const config = testConfig();
  const ctx = ctxIn(Z.z110);
  const slotsAt = (hhmm: string, rng: Rng): Slot[] => {
    const { phase } = phaseAt(at(`2025-06-16T${hhmm}:00+02:00`), 'Europe/Zurich', config, rng);
    return buildSlots(phase, ctx, rng);
  };
  const outerIsZkaff = (hhmm: string) => (rng: Rng) => slotsAt(hhmm, rng)[0]?.label === 'zkaff-sector';
  const innerIsZkaff = (hhmm: string) => (rng: Rng) => slotsAt(hhmm, rng)[1]?.label === 'zkaff-sector';

  it('at 15:00 (r = 0.3333) the outer slot is ZKaff with p ≈ 0.6666, the inner never', () => {
    const outer = share(20000, outerIsZkaff('15:00'));
    expect(outer).toBeGreaterThan(0.6666 - 0.02);
    expect(outer).toBeLessThan(0.6666 + 0.02);
    expect(share(5000, innerIsZkaff('15:00'))).toBe(0);
  });

  it('at 15:15 the outer slot is practically always ZKaff, from 15:16 always', () => {
    expect(share(5000, outerIsZkaff('15:15'))).toBeGreaterThan(0.998);
    expect(share(5000, outerIsZkaff('15:16'))).toBe(1);
  });

  it('at 15:45 (r ≈ 0.8333) outer always, inner with p ≈ 0.6666', () => {
    expect(share(5000, outerIsZkaff('15:45'))).toBe(1);
    const inner = share(20000, innerIsZkaff('15:45'));
    expect(inner).toBeGreaterThan(0.6666 - 0.02);
    expect(inner).toBeLessThan(0.6666 + 0.02);
  });

  it('from 16:01 both are ZKaff, certainly', () => {
    expect(share(2000, innerIsZkaff('16:01'))).toBe(1);
  });
});

describe('[HAND-5] other hand sizes', () => {
  const recipe = (phase: Phase, n: number): string[] =>
    labels(buildSlots(phase, ctxIn(Z.z110, { numChallenges: n }), seededRng(1)));

  it('n = 4', () => {
    expect(recipe({ kind: 'Specific' }, 4)).toEqual(['specific', 'specific', 'specific', 'specific']);
    expect(recipe({ kind: 'Normal' }, 4)).toEqual(['specific', 'specific', 'specific', 'unspecific']);
    expect(recipe({ kind: 'Perimeter', ratio: 0.5 }, 4)).toEqual([
      'specific',
      'specific',
      'specific',
      'unspecific',
    ]);
    expect(recipe({ kind: 'ZKaff', ratio: 0.5 }, 4)).toEqual([
      'zkaff-sector',
      'zkaff-sector',
      'zkaff-sector',
      'unspecific',
    ]);
    expect(recipe({ kind: 'EndGame' }, 4)).toEqual(['unspecific', 'unspecific', 'unspecific', 'zkaff']);
  });

  it('n = 1 keeps the closing slot', () => {
    expect(recipe({ kind: 'Normal' }, 1)).toEqual(['unspecific']);
    expect(recipe({ kind: 'EndGame' }, 1)).toEqual(['zkaff']);
  });
});
