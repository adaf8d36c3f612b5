import { describe, expect, it } from 'vitest';
import type { Challenge } from '../../../src/engine/catalogue/types.js';
import type { Slot } from '../../../src/engine/generation/types.js';
import { chooseZone } from '../../../src/engine/generation/zone-choice.js';
import { seededRng } from '../../../src/engine/rng.js';
import {
  exampleZones,
  kaff,
  makeCatalogue,
  makeChallenge,
  makeContext,
  makeTeam,
  testConfig,
  Z,
  zkaff,
} from './fixtures.js';

const slot = (over: Partial<Slot> = {}): Slot => ({
  label: 'specific',
  filters: [],
  zoneZoneables: true,
  allowedZones: null,
  ...over,
});
const ctx = makeContext(makeCatalogue(), testConfig(), makeTeam({ zoneId: Z.z121 }));
const zoneNumbers = (c: Challenge, s: Slot, n = 2000): number[] => {
  const rng = seededRng(4);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) seen.add(chooseZone(c, s, ctx, rng).zone?.number ?? -1);
  return [...seen].sort();
};

describe('[HAND-11] zone choice', () => {
  it('random place Zone: uniform over allowed zones; SBahnZone: S-Bahn zones only', () => {
    const anyZone = makeChallenge(1, { kind: 'Ortsspezifisch', randomPlace: 'Zone' });
    expect(zoneNumbers(anyZone, slot())).toEqual([110, 121, 135, 181]);
    expect(zoneNumbers(anyZone, slot({ allowedZones: [Z.z135, Z.z181] }))).toEqual([135, 181]);
    const sBahn = makeChallenge(2, { kind: 'Ortsspezifisch', randomPlace: 'SBahnZone' });
    expect(zoneNumbers(sBahn, slot())).toEqual([110, 121, 181]);
    expect(zoneNumbers(sBahn, slot({ allowedZones: [Z.z135, Z.z181] }))).toEqual([181]);
  });

  it('a random zone that cannot be found is reported', () => {
    const sBahn = makeChallenge(2, { kind: 'Ortsspezifisch', randomPlace: 'SBahnZone' });
    const choice = chooseZone(sBahn, slot({ allowedZones: [Z.z135] }), ctx, seededRng(1));
    expect(choice.zone).toBeNull();
    expect(choice.problem).toContain('S-Bahn zone');
  });

  it('Kaff: its first listed zone', () => {
    const c = makeChallenge(3, { kind: 'Kaff', zones: [Z.z181, Z.z135] });
    expect(chooseZone(c, slot(), ctx, seededRng(1)).zone?.number).toBe(181);
  });

  it('Ortsspezifisch: the listed zone closest to the team, even outside allowed zones', () => {
    const c = makeChallenge(4, { kind: 'Ortsspezifisch', zones: [Z.z181, Z.z135, Z.z110] });
    expect(chooseZone(c, slot({ allowedZones: [Z.z181] }), ctx, seededRng(1))).toEqual({
      zone: exampleZones()[3],
      problem: null,
    });
  });

  it('Ortsspezifisch without matrix entries: first listed zone, reported', () => {
    const far = makeCatalogue({
      zones: [...exampleZones().map((z) => (z.id === Z.z121 ? { ...z, minutesTo: {} } : z))],
    });
    const lonely = makeContext(far, testConfig(), makeTeam({ zoneId: Z.z121 }));
    const c = makeChallenge(5, { kind: 'Ortsspezifisch', zones: [Z.z181, Z.z135] });
    const choice = chooseZone(c, slot(), lonely, seededRng(1));
    expect(choice.zone?.number).toBe(181);
    expect(choice.problem).toContain('no travel minutes');
  });

  it('ZKaff: the centre zone; Zoneable: random allowed zone only in a zoning slot; others: none', () => {
    expect(chooseZone(zkaff(6, []), slot(), ctx, seededRng(1)).zone?.number).toBe(110);
    const zoneable = makeChallenge(7, { kind: 'Zoneable', zones: [Z.z181] });
    expect(zoneNumbers(zoneable, slot({ allowedZones: [Z.z110, Z.z135] }))).toEqual([110, 135]);
    expect(chooseZone(zoneable, slot({ zoneZoneables: false }), ctx, seededRng(1))).toEqual({
      zone: null,
      problem: null,
    });
    expect(chooseZone(makeChallenge(8), slot(), ctx, seededRng(1))).toEqual({ zone: null, problem: null });
    const regio = makeChallenge(9, { kind: 'Regionsspezifisch' });
    expect(chooseZone(regio, slot(), ctx, seededRng(1)).zone).toBeNull();
  });

  it('a Kaff whose zone is gone is reported and gets no zone', () => {
    const choice = chooseZone(kaff(10, 404), slot(), ctx, seededRng(1));
    expect(choice.zone).toBeNull();
    expect(choice.problem).toContain('challenge 10');
  });
});
