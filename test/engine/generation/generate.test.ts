import { describe, expect, it } from 'vitest';
import type { Catalogue, Challenge } from '../../../src/engine/catalogue/types.js';
import type { GameConfig } from '../../../src/engine/config/game-config.js';
import { generateHand } from '../../../src/engine/generation/generate.js';
import type { GenerationInput, TeamSnapshot } from '../../../src/engine/generation/types.js';
import { seededRng } from '../../../src/engine/rng.js';
import {
  at,
  exampleZones,
  kaff,
  makeCatalogue,
  makeChallenge,
  makeSector,
  makeTeam,
  makeZone,
  testConfig,
  Z,
  zkaff,
} from './fixtures.js';

const MONDAY_0905 = at('2025-06-16T09:05:00+02:00');
const SATURDAY_0905 = at('2025-06-14T09:05:00+02:00');
const MONDAY_1645 = at('2025-06-16T16:45:00+02:00');

const kaffs = (n: number, over: Partial<Challenge> = {}): Challenge[] =>
  Array.from({ length: n }, (_, i) => kaff(i + 1, Z.z181, { kaffskala: 6, grade: 5, ...over }));

interface Setup {
  catalogue?: Catalogue;
  config?: GameConfig;
  team?: Partial<TeamSnapshot>;
  topScore?: number;
  now?: number;
  timeZone?: string;
  seed?: number;
}

function generate(s: Setup = {}) {
  const input: GenerationInput = {
    catalogue: s.catalogue ?? makeCatalogue({ challenges: kaffs(5) }),
    config: s.config ?? testConfig(),
    team: makeTeam(s.team),
    now: s.now ?? MONDAY_0905,
    timeZone: s.timeZone ?? 'Europe/Zurich',
    rng: seededRng(s.seed ?? 1),
    ...(s.topScore === undefined ? {} : { topScore: s.topScore }),
  };
  return generateHand(input);
}

describe('generateHand', () => {
  it('[HAND-1] deals a full Specific hand of distinct challenges with matching breakdowns', () => {
    const result = generate();
    expect(result.phase?.phase).toEqual({ kind: 'Specific' });
    expect(result.problems).toEqual([]);
    expect(result.offers).toHaveLength(3);
    expect(new Set(result.offers.map((o) => o.challengeId)).size).toBe(3);
    result.offers.forEach((offer, i) => {
      const b = result.breakdowns[i];
      expect(b?.challengeId).toBe(offer.challengeId);
      expect(b?.points).toBe(offer.points);
      // Example 1: a kaffskala-6/grade-5 Kaff in 181 seen from 110 is worth 1522.
      expect(offer).toMatchObject({
        points: 1522,
        zoneId: Z.z181,
        zoneNumber: 181,
        title: `Usflug uf Kaff${offer.challengeId}`,
      });
      expect(b).toMatchObject({ slot: 'specific', level: 0 });
    });
  });

  it('[TIME-3] is deterministic for a seed, with noise and wiggle on', () => {
    const config = testConfig({ relativeStandardDeviation: 0.05, timeWiggleMinutes: 7 });
    const now = at('2025-06-16T14:00:00+02:00');
    const catalogue = makeCatalogue({ challenges: [...kaffs(8), makeChallenge(20), makeChallenge(21)] });
    expect(generate({ config, now, catalogue, seed: 3 })).toEqual(
      generate({ config, now, catalogue, seed: 3 }),
    );
    const hands = new Set(
      [1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(generate({ config, now, catalogue, seed }).offers)),
    );
    expect(hands.size).toBeGreaterThan(1);
  });

  it('[HAND-13] shuffles the hand so the slot order does not show', () => {
    const catalogue = makeCatalogue({ challenges: [makeChallenge(1), makeChallenge(2), zkaff(3, [])] });
    const positions = new Set(
      Array.from({ length: 30 }, (_, seed) =>
        generate({ catalogue, now: MONDAY_1645, seed }).offers.findIndex((o) => o.challengeId === 3),
      ),
    );
    expect([...positions].sort()).toEqual([0, 1, 2]);
  });

  it('[POINTS-5] applies the weekend bias of the local weekday', () => {
    const catalogue = makeCatalogue({ challenges: kaffs(3, { biasSat: 0.5 }) });
    expect(generate({ catalogue, now: SATURDAY_0905 }).offers.map((o) => o.points)).toEqual([761, 761, 761]);
    // 23:30 UTC on Friday is already Saturday in Zürich.
    const fridayUtc = at('2025-06-13T23:30:00Z');
    const config = testConfig({ startTime: '00:00', endTime: '23:00', specificMinutes: 180 });
    expect(generate({ catalogue, config, now: fridayUtc }).breakdowns[0]?.bias?.day).toBe('Saturday');
    expect(
      generate({ catalogue, config, now: fridayUtc, timeZone: 'UTC' }).breakdowns[0]?.bias?.day,
    ).toBeNull();
  });

  it('[POINTS-6] no underdog bonus without a top score (game start); a bonus when far behind', () => {
    expect(generate().breakdowns[0]?.underdog).toEqual({ gap: null, factor: 1, after: 1522 });
    const behind = generate({ topScore: 3500, team: { points: 500 } }).breakdowns[0]?.underdog;
    expect(behind).toEqual({ gap: 3000, factor: 1.5, after: 2283 });
  });

  it('[HAND-9][HAND-10] never deals a completed challenge: fewer offers and a reason instead', () => {
    const result = generate({ team: { completedChallengeIds: [1, 2, 3, 4] } });
    expect(result.offers.map((o) => o.challengeId)).toEqual([5]);
    expect(result.problems).toEqual([
      expect.stringContaining('slot 2 (specific): no playable challenge'),
      expect.stringContaining('slot 3 (specific): no playable challenge'),
    ]);
  });

  it('[HAND-10] an empty catalogue gives an empty hand with reasons', () => {
    const result = generate({ catalogue: makeCatalogue() });
    expect(result.offers).toEqual([]);
    expect(result.breakdowns).toEqual([]);
    expect(result.problems).toHaveLength(3);
  });

  it('[HAND-9] reports fallbacks', () => {
    const result = generate({ team: { seenChallengeIds: [1, 2, 3, 4, 5] } });
    expect(result.offers).toHaveLength(3);
    expect(result.problems).toHaveLength(3);
    for (const p of result.problems) expect(p).toMatch(/^slot \d \(specific\): fell back to level 1/);
    expect(result.breakdowns.map((b) => b.level)).toEqual([1, 1, 1]);
  });

  it('deals nothing, with a reason, for an unknown zone, a missing centre zone, a bad time zone or config', () => {
    expect(generate({ team: { zoneId: 404 } })).toMatchObject({
      offers: [],
      problems: [expect.stringContaining('404')],
    });
    const noCentre = makeCatalogue({ challenges: kaffs(3), zones: [makeZone(7, 170)] });
    expect(generate({ catalogue: noCentre, team: { zoneId: 7 } }).problems).toEqual([
      expect.stringContaining('centre-zone'),
    ]);
    expect(generate({ timeZone: 'Nowhere/Else' })).toMatchObject({ offers: [], phase: null });
    const bad = generate({ config: testConfig({ regioRatio: 2, endTime: '25:00' }) });
    expect(bad.offers).toEqual([]);
    expect(bad.problems).toHaveLength(2);
  });

  it('[HAND-1] fills the offer from the challenge: first sector, repetitions, action, zone, translations', () => {
    const sectors = [makeSector(1, 'A', [2]), makeSector(2, 'B', [1])];
    const zones = exampleZones().map((z) => (z.id === Z.z110 ? { ...z, closeSectors: [1] } : z));
    const stop = zkaff(1, [1, 2], {
      repetitions: { min: 2, max: 2 },
      action: { type: 'Trap', stuckMinutes: null, catcherMessage: 'hi' },
      translatedTitles: { en: 'Drift to %r stops' },
    });
    const catalogue = makeCatalogue({ challenges: [stop], zones, sectors });
    const result = generate({ catalogue, now: MONDAY_1645, config: testConfig({ numChallenges: 1 }) });
    expect(result.offers).toEqual([
      {
        challengeId: 1,
        title: 'Züridrift nach Stop1',
        description: 'Gönd zu de Station Stop1 in Züri.',
        points: result.breakdowns[0]?.points,
        zoneId: Z.z110,
        zoneNumber: 110,
        translatedTitles: { en: 'Drift to 2 stops' },
        translatedDescriptions: {},
        sectorId: 1,
        repetitions: 2,
        action: { type: 'Trap', stuckMinutes: null, catcherMessage: 'hi' },
      },
    ]);
  });

  it('reports a missing travel-matrix entry', () => {
    const zones = exampleZones().map((z) => (z.id === Z.z110 ? { ...z, minutesTo: { [Z.z110]: 0 } } : z));
    const result = generate({ catalogue: makeCatalogue({ challenges: kaffs(3), zones }) });
    expect(result.offers).toHaveLength(3);
    expect(result.problems).toContain('no travel minutes from zone 110 to zone 181; counted as 0');
  });

  it('[HAND-5] in the Normal phase from zone 121, a far Kaff and near Zoneable fill their slots (example 5)', () => {
    const zoneable = makeChallenge(30, { kind: 'Zoneable', additionalPoints: 150, walkingTime: 10 });
    const catalogue = makeCatalogue({ challenges: [kaff(31, Z.z181), zoneable, makeChallenge(32)] });
    const config = testConfig({ regioRatio: 0 });
    const now = at('2025-06-16T11:00:00+02:00');
    const nearZones = new Set<number | undefined>();
    for (let seed = 1; seed <= 20; seed++) {
      const result = generate({ catalogue, config, now, team: { zoneId: Z.z121 }, seed });
      expect(result.problems).toEqual([]);
      const bySlot = new Map(result.breakdowns.map((b) => [b.slot, b]));
      expect(bySlot.get('far')?.challengeId).toBe(31);
      const near = bySlot.get('near');
      expect(near?.challengeId).toBe(30);
      nearZones.add(near?.zone?.zoneId);
      if (near?.zone?.zoneId === Z.z135) expect(near.points).toBe(802);
      expect(bySlot.get('unspecific')?.challengeId).toBe(32);
    }
    // Random zones come only from the zones 0–25 min from 121, and all of them occur.
    expect([...nearZones].sort()).toEqual([Z.z110, Z.z121, Z.z135]);
  });
});
