import { describe, expect, it } from 'vitest';
import type { ChallengeInput, ChallengeKind, ZoneInput } from '../../../src/engine/catalogue/types.js';
import {
  validateChallenge,
  validateChallengeSet,
  validateSector,
  validateZone,
} from '../../../src/engine/catalogue/validation.js';
import { exampleZones, makeCatalogue, makeChallengeInput, makeSector, Z } from '../generation/fixtures.js';

const catalogue = makeCatalogue({ sectors: [makeSector(1, 'A', [2]), makeSector(2, 'B', [1])] });
const rules = (over: Partial<ChallengeInput>): string[] =>
  validateChallenge(makeChallengeInput(over), catalogue).map((v) => v.rule);

const validKaff: Partial<ChallengeInput> = {
  kind: 'Kaff',
  title: null,
  description: null,
  place: 'Wasterkingen',
  kaffskala: 6,
  grade: 5,
  zones: [Z.z181],
};
const validZkaff: Partial<ChallengeInput> = {
  kind: 'ZKaff',
  title: null,
  description: null,
  place: 'Frankental',
  stationDistance: 1200,
  timeToHb: 18,
  departures: 0,
  sectors: [1],
};
const validOrts: Partial<ChallengeInput> = {
  kind: 'Ortsspezifisch',
  kaffskala: 3,
  grade: 2,
  zones: [Z.z121],
};

describe('[CATALOGUE-3] valid challenges of every kind pass', () => {
  const cases: [string, Partial<ChallengeInput>][] = [
    ['Kaff', validKaff],
    ['ZKaff', validZkaff],
    ['Ortsspezifisch', validOrts],
    [
      'Ortsspezifisch with random place',
      { kind: 'Ortsspezifisch', randomPlace: 'SBahnZone', title: 'In %s' },
    ],
    ['Unspezifisch', {}],
    ['Regionsspezifisch', { kind: 'Regionsspezifisch' }],
    ['Zoneable', { kind: 'Zoneable', repetitions: { min: 2, max: 2 } }],
    ['Refactor with action', { status: 'Refactor', action: { type: 'UncompletableMinutes', minutes: 10 } }],
  ];
  for (const [name, over] of cases) it(name, () => expect(rules(over)).toEqual([]));
});

describe('[CATALOGUE-5] completeness rules, each rejecting with its code', () => {
  it('at least one set', () => expect(rules({ sets: [] })).toEqual(['needs-set']));

  it('Kaff and ZKaff need a place', () => {
    expect(rules({ ...validKaff, place: null })).toEqual(['kaff-needs-place']);
    expect(rules({ ...validZkaff, place: '  ' })).toEqual(['zkaff-needs-place']);
  });

  it('Kaff/Ortsspezifisch without random place need kaffskala, grade and a zone', () => {
    for (const base of [validKaff, validOrts]) {
      expect(rules({ ...base, kaffskala: null })).toEqual(['located-needs-kaffskala']);
      expect(rules({ ...base, grade: null })).toEqual(['located-needs-grade']);
      expect(rules({ ...base, zones: [] })).toEqual(['located-needs-zone']);
    }
    expect(rules({ kind: 'Ortsspezifisch', randomPlace: 'Zone' })).toEqual([]);
  });

  it('ZKaff needs station distance and time to HB (departures may be 0)', () => {
    expect(rules({ ...validZkaff, stationDistance: 0 })).toEqual(['zkaff-needs-station-distance']);
    expect(rules({ ...validZkaff, timeToHb: 0 })).toEqual(['zkaff-needs-time-to-hb']);
  });

  it('every kind except Kaff/ZKaff needs title and description', () => {
    const kinds: ChallengeKind[] = ['Unspezifisch', 'Regionsspezifisch', 'Zoneable'];
    for (const kind of kinds) {
      expect(rules({ kind, title: null })).toEqual(['needs-title']);
      expect(rules({ kind, description: ' ' })).toEqual(['needs-description']);
    }
    expect(rules({ ...validOrts, title: '' })).toEqual(['needs-title']);
  });

  it('random place only on Ortsspezifisch', () => {
    expect(rules({ kind: 'Zoneable', randomPlace: 'Zone' })).toEqual(['random-place-only-ortsspezifisch']);
    expect(rules({ ...validKaff, randomPlace: 'Zone' })).toEqual(['random-place-only-ortsspezifisch']);
  });

  it('importer: place only on Kaff/ZKaff; no %z/%s in Kaff/ZKaff texts', () => {
    expect(rules({ place: 'Bülach' })).toEqual(['place-only-kaff-zkaff']);
    expect(rules({ ...validKaff, title: 'Nach %z' })).toEqual(['kaff-no-zone-placeholder']);
    expect(rules({ ...validZkaff, description: 'in %s' })).toEqual(['kaff-no-zone-placeholder']);
  });

  it('[CATALOGUE-6] ToSort skips the completeness rules …', () => {
    expect(rules({ status: 'ToSort', kind: 'ZKaff', sets: [], title: null, place: null })).toEqual([]);
  });

  it('[CATALOGUE-6] … but not the structural ones', () => {
    expect(rules({ status: 'ToSort', kaffskala: 9, zones: [404] })).toEqual(['out-of-range', 'unknown-zone']);
  });
});

describe('[CATALOGUE-4] field ranges and references', () => {
  const outOfRange: [string, Partial<ChallengeInput>][] = [
    ['kaffskala 0', { kaffskala: 0 }],
    ['kaffskala 7', { kaffskala: 7 }],
    ['kaffskala 2.5', { kaffskala: 2.5 }],
    ['grade 7', { grade: 7 }],
    ['negative bias', { biasSat: -0.5 }],
    ['NaN bias', { biasSun: Number.NaN }],
    ['walking 256 min', { walkingTime: 256 }],
    ['negative stationary time', { stationaryTime: -1 }],
    ['additional points beyond 16 bit', { additionalPoints: 40000 }],
    ['points per rep beyond 16 bit', { pointsPerRep: -40000 }],
    ['negative repetitions', { repetitions: { min: -1, max: 3 } }],
    ['negative station distance', { stationDistance: -5 }],
    ['station distance beyond 65535 m', { stationDistance: 70000 }],
    ['time to HB 256', { timeToHb: 256 }],
    ['departures 256', { departures: 256 }],
    ['negative action minutes', { action: { type: 'Trap', stuckMinutes: -3, catcherMessage: null } }],
  ];
  for (const [name, over] of outOfRange) {
    it(`rejects ${name}`, () => expect(rules(over)).toEqual(['out-of-range']));
  }

  it('[POINTS-9] negative points are allowed (penalty challenges; clamped at generation)', () => {
    expect(rules({ additionalPoints: -500, pointsPerRep: -10 })).toEqual([]);
  });

  it('min repetitions must not exceed max', () => {
    expect(rules({ repetitions: { min: 5, max: 3 } })).toEqual(['repetitions-min-above-max']);
  });

  it('sets, zones and sectors must exist', () => {
    const v = validateChallenge(
      makeChallengeInput({ sets: [1, 9], zones: [Z.z110, 8], sectors: [2, 7] }),
      catalogue,
    );
    expect(v.map((x) => [x.rule, x.field])).toEqual([
      ['unknown-set', 'sets'],
      ['unknown-zone', 'zones'],
      ['unknown-sector', 'sectors'],
    ]);
    expect(v[0]?.message).toContain('9');
  });

  it('unknown enum values from untyped input are named', () => {
    const bad = {
      ...makeChallengeInput(),
      kind: 'Bogus',
      status: 'Maybe',
      randomPlace: 'Moon',
    } as unknown as ChallengeInput;
    expect(validateChallenge(bad, catalogue).map((v) => v.rule)).toEqual(
      expect.arrayContaining(['unknown-kind', 'unknown-status', 'unknown-random-place']),
    );
  });
});

describe('[CATALOGUE-9] zones', () => {
  const zones = new Map(exampleZones().map((z) => [z.id, z]));
  const refs = { zones, sectors: catalogue.sectors };
  const newZone = (over: Partial<ZoneInput> = {}): ZoneInput => ({
    number: 150,
    numConnZones: 4,
    numConnections: 20,
    trainThrough: true,
    mongus: false,
    sBahnZone: false,
    minutesTo: { [Z.z110]: 30 },
    closeSectors: [1],
    ...over,
  });
  const zoneRules = (z: ZoneInput, selfId?: number) => validateZone(z, refs, selfId).map((v) => v.rule);

  it('accepts a valid new zone and the example zones as edits of themselves', () => {
    expect(zoneRules(newZone())).toEqual([]);
    for (const z of zones.values()) expect(zoneRules(z, z.id)).toEqual([]);
  });

  it('rejects bad metrics, a taken number, bad minutes and unknown references', () => {
    expect(zoneRules(newZone({ numConnections: -1 }))).toEqual(['out-of-range']);
    expect(zoneRules(newZone({ numConnZones: 1.5 }))).toEqual(['out-of-range']);
    expect(zoneRules(newZone({ number: 1000 }))).toEqual(['out-of-range']);
    expect(zoneRules(newZone({ number: 121 }))).toEqual(['duplicate-zone-number']);
    expect(zoneRules(newZone({ minutesTo: { [Z.z110]: -4 } }))).toEqual(['out-of-range']);
    expect(zoneRules(newZone({ minutesTo: { 99: 4 } }))).toEqual(['unknown-zone']);
    expect(zoneRules(newZone({ closeSectors: [5] }))).toEqual(['unknown-sector']);
  });
});

describe('sectors and sets', () => {
  const sectors = catalogue.sectors;

  it('[CATALOGUE-10] a sector name is one non-blank character, unique', () => {
    expect(validateSector({ name: 'C', neighbours: [1] }, sectors)).toEqual([]);
    expect(validateSector({ name: '🚆', neighbours: [] }, sectors)).toEqual([]);
    const names = (name: string) => validateSector({ name, neighbours: [] }, sectors).map((v) => v.rule);
    expect(names('CD')).toEqual(['sector-name-one-char']);
    expect(names('')).toEqual(['sector-name-one-char']);
    expect(names(' ')).toEqual(['sector-name-one-char']);
    expect(names('A')).toEqual(['duplicate-sector-name']);
    expect(validateSector({ name: 'A', neighbours: [2] }, sectors, 1)).toEqual([]);
  });

  it('[CATALOGUE-10] neighbours must exist and not be the sector itself', () => {
    expect(validateSector({ name: 'A', neighbours: [1, 9] }, sectors, 1).map((v) => v.rule)).toEqual([
      'sector-self-neighbour',
      'unknown-sector',
    ]);
  });

  it('[CATALOGUE-8] a set needs a unique, non-blank name', () => {
    expect(validateChallengeSet({ name: 'physical' }, catalogue.sets)).toEqual([]);
    expect(validateChallengeSet({ name: ' ' }, catalogue.sets).map((v) => v.rule)).toEqual([
      'set-name-required',
    ]);
    expect(validateChallengeSet({ name: 'base' }, catalogue.sets).map((v) => v.rule)).toEqual([
      'duplicate-set-name',
    ]);
    expect(validateChallengeSet({ name: 'base' }, catalogue.sets, 1)).toEqual([]);
  });
});
