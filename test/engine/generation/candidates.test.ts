import { describe, expect, it } from 'vitest';
import type { Challenge } from '../../../src/engine/catalogue/types.js';
import { candidatesAtLevel, matchesFilter, pickForSlot } from '../../../src/engine/generation/candidates.js';
import { resolveContext } from '../../../src/engine/generation/context.js';
import { buildSlots } from '../../../src/engine/generation/slots.js';
import type { Slot, SlotFilter } from '../../../src/engine/generation/types.js';
import { seededRng } from '../../../src/engine/rng.js';
import {
  exampleZones,
  kaff,
  makeCatalogue,
  makeChallenge,
  makeContext,
  makeSector,
  makeTeam,
  makeZone,
  testConfig,
  Z,
  zkaff,
} from './fixtures.js';

const specificSlot = (): Slot => {
  const [slot] = buildSlots({ kind: 'Specific' }, makeContext(makeCatalogue(), testConfig()), seededRng(1));
  if (!slot) throw new Error('no slot');
  return slot;
};

function pickLevel(challenges: Challenge[], config = testConfig(), team = makeTeam(), taken: number[] = []) {
  const ctx = makeContext(makeCatalogue({ challenges }), config, team);
  return pickForSlot(specificSlot(), ctx, new Set(taken), seededRng(1));
}

describe('[HAND-9] fallback levels', () => {
  const a = kaff(10, Z.z121, { sets: [1] });

  it('level 0: every filter holds', () => {
    expect(pickLevel([a])).toEqual({ challenge: a, level: 0 });
  });

  it('level 1: only challenges offered before are left', () => {
    expect(pickLevel([a], testConfig(), makeTeam({ seenChallengeIds: [10] }))?.level).toBe(1);
  });

  it('level 2: only challenges outside the configured sets are left', () => {
    expect(pickLevel([a], testConfig({ challengeSets: [2] }))?.level).toBe(2);
  });

  it('level 3: only challenges of the wrong kind are left', () => {
    const anywhere = makeChallenge(11);
    expect(pickLevel([anywhere])).toEqual({ challenge: anywhere, level: 3 });
  });

  it('prefers the lowest level that has a candidate', () => {
    const fresh = kaff(12, Z.z181, { sets: [2] });
    const seen = kaff(13, Z.z181, { sets: [2] });
    const config = testConfig({ challengeSets: [2] });
    const team = makeTeam({ seenChallengeIds: [13] });
    for (let seed = 1; seed <= 20; seed++) {
      const ctx = makeContext(makeCatalogue({ challenges: [a, fresh, seen] }), config, team);
      expect(pickForSlot(specificSlot(), ctx, new Set(), seededRng(seed))).toEqual({
        challenge: fresh,
        level: 0,
      });
    }
  });

  it('[HAND-10] nothing left: null instead of a completed, taken or unplayable challenge', () => {
    const rejected = kaff(14, Z.z121, { status: 'Rejected' });
    const toSort = makeChallenge(15, { status: 'ToSort' });
    const edited = makeChallenge(16, { status: 'Edited' });
    const glorious = makeChallenge(17, { status: 'Glorious' });
    const done = kaff(18, Z.z121);
    const taken = kaff(19, Z.z121);
    const team = makeTeam({ completedChallengeIds: [18] });
    expect(pickLevel([rejected, toSort, edited, glorious, done, taken], testConfig(), team, [19])).toBeNull();
  });

  it('Refactor counts as playable', () => {
    expect(pickLevel([kaff(20, Z.z121, { status: 'Refactor' })])?.level).toBe(0);
  });

  it('an empty challengeSets config means every set', () => {
    const inNoConfiguredSet = kaff(21, Z.z121, { sets: [2] });
    expect(pickLevel([inNoConfiguredSet], testConfig({ challengeSets: [] }))?.level).toBe(0);
    expect(pickLevel([inNoConfiguredSet], testConfig({ challengeSets: [1] }))?.level).toBe(2);
  });

  it('lists candidates per level, ascending by id', () => {
    const list = [kaff(3, Z.z121), kaff(1, Z.z121), makeChallenge(2)];
    const ctx = makeContext(makeCatalogue({ challenges: list }), testConfig());
    const ids = (level: number) => candidatesAtLevel(specificSlot(), ctx, new Set(), level).map((c) => c.id);
    expect(ids(0)).toEqual([1, 3]);
    expect(ids(3)).toEqual([1, 2, 3]);
  });

  it('picks uniformly among the candidates', () => {
    const list = [kaff(1, Z.z121), kaff(2, Z.z121), kaff(3, Z.z121)];
    const ctx = makeContext(makeCatalogue({ challenges: list }), testConfig());
    const rng = seededRng(9);
    const counts = new Map<number, number>();
    for (let i = 0; i < 30000; i++) {
      const id = pickForSlot(specificSlot(), ctx, new Set(), rng)?.challenge.id ?? 0;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of [1, 2, 3]) expect(Math.abs((counts.get(id) ?? 0) / 30000 - 1 / 3)).toBeLessThan(0.02);
  });
});

describe('[HAND-7] slot filters', () => {
  const ctxFrom = (zoneId: number, challenges: Challenge[] = []) =>
    makeContext(makeCatalogue({ challenges }), testConfig(), makeTeam({ zoneId }));
  const near: SlotFilter = { type: 'distance', min: 0, max: 26 };
  const far: SlotFilter = { type: 'distance', min: 40, max: 71 };

  it('distance: closest listed zone from the team; no zone (or no matrix entry) counts as 0', () => {
    const ctx = ctxFrom(Z.z121);
    const to181 = kaff(1, Z.z181);
    expect([matchesFilter(to181, near, ctx), matchesFilter(to181, far, ctx)]).toEqual([false, true]);
    const twoZones = makeChallenge(2, { kind: 'Ortsspezifisch', zones: [Z.z181, Z.z135] });
    expect(matchesFilter(twoZones, near, ctx)).toBe(true);
    const zoneable = makeChallenge(3, { kind: 'Zoneable' });
    expect([matchesFilter(zoneable, near, ctx), matchesFilter(zoneable, far, ctx)]).toEqual([true, false]);
    const unknownRow = kaff(4, 99);
    expect(matchesFilter(unknownRow, near, ctx)).toBe(true);
    expect(matchesFilter(kaff(5, Z.z110), { type: 'distance', min: 0, max: 25 }, ctx)).toBe(false);
  });

  it('ring: some listed zone in [min, max) minutes from the centre zone', () => {
    const ctx = ctxFrom(Z.z181);
    const ring: SlotFilter = { type: 'ring', min: 21, max: 42 };
    expect(matchesFilter(kaff(1, Z.z121), ring, ctx)).toBe(true);
    expect(matchesFilter(kaff(2, Z.z181), ring, ctx)).toBe(false);
    expect(
      matchesFilter(makeChallenge(3, { kind: 'Ortsspezifisch', zones: [Z.z181, Z.z121] }), ring, ctx),
    ).toBe(true);
    expect(matchesFilter(makeChallenge(4, { kind: 'Zoneable' }), ring, ctx)).toBe(false);
  });

  it('max-kaff: absent kaffskala passes', () => {
    const ctx = ctxFrom(Z.z110);
    const f: SlotFilter = { type: 'maxKaff', max: 4 };
    expect([null, 4, 5].map((k) => matchesFilter(kaff(1, Z.z121, { kaffskala: k }), f, ctx))).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('[HAND-8] adjacent sectors', () => {
  // Sectors A(1)–B(2)–C(3) in a row; zone 110 lists C as close, zone 121 lists A.
  const sectors = [makeSector(1, 'A', [2]), makeSector(2, 'B', [1, 3]), makeSector(3, 'C', [2])];
  const zones = exampleZones().map((z) =>
    z.id === Z.z110 ? { ...z, closeSectors: [3] } : z.id === Z.z121 ? { ...z, closeSectors: [1] } : z,
  );
  const catalogue = makeCatalogue({
    sectors,
    zones,
    challenges: [zkaff(1, [1]), zkaff(2, [2]), zkaff(3, [3])],
  });
  const adjacent = (config = testConfig(), zoneId: number = Z.z110, sectorId: number | null = 2) =>
    [...makeContext(catalogue, config, makeTeam({ zoneId, sectorId })).adjacentSectors].sort();

  it('in the centre zone with a sector: that sector’s neighbours, not itself', () => {
    expect(adjacent()).toEqual([1, 3]);
    const ctx = makeContext(catalogue, testConfig(), makeTeam({ sectorId: 1 }));
    const sector: SlotFilter = { type: 'sector' };
    expect([1, 2, 3].map((id) => matchesFilter(zkaff(id, [id]), sector, ctx))).toEqual([false, true, false]);
  });

  it('without a sector, or outside the centre zone: the zone’s close sectors', () => {
    expect(adjacent(testConfig(), Z.z110, null)).toEqual([3]);
    expect(adjacent(testConfig(), Z.z121, 2)).toEqual([1]);
  });

  it('uses the configured centre zone, not the literal 110', () => {
    const config = testConfig({ centreZone: 121 });
    expect(adjacent(config, Z.z121, 2)).toEqual([1, 3]);
    expect(adjacent(config, Z.z110, 2)).toEqual([3]);
  });

  it('an unknown sector id is reported and treated as no sector', () => {
    const resolved = resolveContext(catalogue, testConfig(), makeTeam({ sectorId: 77 }));
    expect(resolved.ok && resolved.problems).toEqual([expect.stringContaining('sector id 77')]);
    expect(resolved.ok && [...resolved.context.adjacentSectors]).toEqual([3]);
  });

  it('[HAND-10] an unknown team zone or a missing centre zone stops generation with a reason', () => {
    expect(resolveContext(catalogue, testConfig(), makeTeam({ zoneId: 999 }))).toEqual({
      ok: false,
      problem: expect.stringContaining('zone id 999') as string,
    });
    const noCentre = makeCatalogue({ zones: [makeZone(5, 150)] });
    expect(resolveContext(noCentre, testConfig(), makeTeam({ zoneId: 5 }))).toMatchObject({ ok: false });
  });
});
