import { describe, expect, it } from 'vitest';
import type { Challenge, Zone } from '../../../src/engine/catalogue/types.js';
import type { Weekday } from '../../../src/engine/time-zone.js';
import type { PointsInput } from '../../../src/engine/generation/points.js';
import {
  computePoints,
  departuresPoints,
  drawRepetitions,
  travelPoints,
  zonicKaffness,
} from '../../../src/engine/generation/points.js';
import { seededRng } from '../../../src/engine/rng.js';
import { exampleZones, kaff, makeChallenge, makeZone, rngWith, testConfig, Z, zkaff } from './fixtures.js';

const zones = new Map(exampleZones().map((z) => [z.id, z]));
const zoneOf = (id: number): Zone => {
  const z = zones.get(id);
  if (!z) throw new Error(`no zone ${id}`);
  return z;
};

const MONDAY: Weekday = 1;
const SATURDAY: Weekday = 6;
const SUNDAY: Weekday = 0;

function points(challenge: Challenge, over: Partial<PointsInput> = {}) {
  return computePoints({
    challenge,
    repetitions: 0,
    zone: null,
    teamZone: zoneOf(Z.z110),
    zoned: false,
    weekday: MONDAY,
    underdogGap: null,
    config: testConfig(),
    rng: seededRng(1),
    ...over,
  });
}

describe('[POINTS-2][POINTS-3] zone and ZKaff term tables', () => {
  it('zonic kaffness of the example zones', () => {
    const config = testConfig();
    expect([Z.z110, Z.z121, Z.z181, Z.z135].map((id) => zonicKaffness(zoneOf(id), config))).toEqual([
      0, 15, 165, 225,
    ]);
  });

  it('travel term trunc(3·t^1.4)', () => {
    const config = testConfig();
    const table: [number, number][] = [
      [0, 0],
      [5, 28],
      [10, 75],
      [12, 97],
      [15, 132],
      [20, 198],
      [22, 227],
      [24, 256],
      [25, 271],
      [30, 350],
      [40, 524],
      [50, 717],
      [60, 925],
      [70, 1148],
    ];
    for (const [t, expected] of table) expect(travelPoints(t, config), `t=${t}`).toBe(expected);
  });

  it('departures term trunc((7 − d^(1/3))·32), exact at the cube boundaries', () => {
    const config = testConfig();
    const table: [number, number][] = [
      [0, 224],
      [1, 192],
      [6, 165],
      [8, 160],
      [27, 128],
      [64, 96],
    ];
    for (const [d, expected] of table) expect(departuresPoints(d, config), `d=${d}`).toBe(expected);
  });
});

describe('worked examples (noise off)', () => {
  it('[POINTS-2] 1. Kaff on a weekday, leader: 1522', () => {
    const wasterkingen = kaff(1, Z.z181, { place: 'Wasterkingen', kaffskala: 6, grade: 5 });
    const b = points(wasterkingen, { zone: zoneOf(Z.z181), underdogGap: 0 });
    expect(b.base.kaffskala).toBe(540);
    expect(b.base.grade).toBe(100);
    expect(b.zone).toMatchObject({ zonicKaffness: 165, travelMinutes: 50, travel: 717, total: 882 });
    expect(b.points).toBe(1522);
  });

  it('[POINTS-5][POINTS-6] 2. same on a Saturday, 2600 behind: bias 0.8 → 1217, underdog ×1.4 → 1703', () => {
    const wasterkingen = kaff(1, Z.z181, { kaffskala: 6, grade: 5, biasSat: 0.8 });
    const b = points(wasterkingen, { zone: zoneOf(Z.z181), weekday: SATURDAY, underdogGap: 2600 });
    expect(b.subtotal).toBe(1522);
    expect(b.bias).toEqual({ day: 'Saturday', factor: 0.8, after: 1217 });
    expect(b.underdog?.factor).toBeCloseTo(1.4, 12);
    expect(b.underdog?.after).toBe(1703);
    expect(b.points).toBe(1703);
  });

  it('[POINTS-3] 3. ZKaff from zone 121: 271 travel + 365 ZKaff terms = 636', () => {
    const frankental = zkaff(3, [], { stationDistance: 1200, timeToHb: 18, departures: 6, deadEnd: true });
    const b = points(frankental, { zone: zoneOf(Z.z110), teamZone: zoneOf(Z.z121) });
    expect(b.zone).toMatchObject({ zoneNumber: 110, zonicKaffness: 0, travelMinutes: 25, travel: 271 });
    expect(b.zkaff).toEqual({ deadEnd: 50, stationDistance: 60, timeToHb: 90, departures: 165, total: 365 });
    expect(b.points).toBe(636);
  });

  it('[POINTS-1] 4. Unspezifisch, 100 + 5 × 30 = 250', () => {
    const c = makeChallenge(4, { additionalPoints: 100, repetitions: { min: 3, max: 10 }, pointsPerRep: 30 });
    const b = points(c, { repetitions: 5 });
    expect(b.base.repetitions).toBe(150);
    expect(b.zone).toBeNull();
    expect(b.points).toBe(250);
  });

  it('[POINTS-4] 5. zoned Zoneable drawn into 135 from 121: 150 + 100 + 225 + 227 + 100 = 802', () => {
    const c = makeChallenge(5, { kind: 'Zoneable', additionalPoints: 150, walkingTime: 10 });
    const b = points(c, { zone: zoneOf(Z.z135), teamZone: zoneOf(Z.z121), zoned: true });
    expect(b.base.walking).toBe(100);
    expect(b.zone).toMatchObject({ zonicKaffness: 225, travelMinutes: 22, travel: 227 });
    expect(b.zoneableBonus).toBe(100);
    expect(b.points).toBe(802);
  });

  it('[POINTS-8] 6. fixed Ortsspezifisch: exactly 420, whatever the normal computation says', () => {
    const c = makeChallenge(6, {
      kind: 'Ortsspezifisch',
      additionalPoints: 420,
      fixed: true,
      kaffskala: 3,
      grade: 2,
      zones: [Z.z121],
    });
    const team = makeZone(9, 999, { minutesTo: { [Z.z121]: 60 } });
    const b = points(c, {
      zone: zoneOf(Z.z121),
      teamZone: team,
      weekday: SATURDAY,
      underdogGap: 5000,
      config: testConfig({ relativeStandardDeviation: 0.05 }),
    });
    expect(b.subtotal).toBe(420 + 270 + 40 + 15 + 925);
    expect(b.fixedPoints).toBe(420);
    expect([b.bias, b.underdog, b.noise]).toEqual([null, null, null]);
    expect(b.points).toBe(420);
  });
});

describe('each term on its own', () => {
  const config = testConfig();

  it('[POINTS-1] base terms use the configured rates', () => {
    const c = makeChallenge(1, {
      kaffskala: 2,
      grade: 3,
      walkingTime: 4,
      stationaryTime: 5,
      additionalPoints: 7,
      pointsPerRep: 11,
    });
    const b = points(c, {
      repetitions: 2,
      config: testConfig({ pointsPerKaffness: 60, pointsPerWalkingMinute: 3 }),
    });
    expect(b.base).toEqual({
      additionalPoints: 7,
      kaffskala: 120,
      grade: 60,
      walking: 12,
      stationary: 50,
      repetitions: 22,
      total: 271,
    });
  });

  it('[POINTS-1] absent kaffskala and grade add nothing', () => {
    expect(points(makeChallenge(1, { additionalPoints: 10 })).points).toBe(10);
  });

  it('[POINTS-2] a missing matrix entry counts as 0 minutes and is marked null; the diagonal defaults to 0', () => {
    const lonely = makeZone(8, 888, { minutesTo: {} });
    const b = points(makeChallenge(1), { zone: zoneOf(Z.z121), teamZone: lonely });
    expect(b.zone).toMatchObject({ travelMinutes: null, travel: 0, total: 15 });
    const self = points(makeChallenge(1), { zone: lonely, teamZone: lonely });
    expect(self.zone?.travelMinutes).toBe(0);
  });

  it('[POINTS-3] ZKaff terms only for ZKaff; station distance divides with truncation', () => {
    const z = zkaff(1, [], { stationDistance: 39, timeToHb: 1, departures: 64, deadEnd: false });
    expect(points(z).zkaff).toEqual({
      deadEnd: 0,
      stationDistance: 1,
      timeToHb: 5,
      departures: 96,
      total: 102,
    });
    expect(points(makeChallenge(2, { stationDistance: 1000, deadEnd: true })).zkaff).toBeNull();
  });

  it('[POINTS-4] zoneable bonus only for a Zoneable in a zoning slot, even without a zone', () => {
    const z = makeChallenge(1, { kind: 'Zoneable' });
    expect(points(z, { zoned: true }).zoneableBonus).toBe(100);
    expect(points(z, { zoned: false }).zoneableBonus).toBe(0);
    expect(points(makeChallenge(2), { zoned: true }).zoneableBonus).toBe(0);
  });

  it('[POINTS-5] weekend bias: Saturday and Sunday factors, truncated; none on weekdays', () => {
    const c = makeChallenge(1, { additionalPoints: 1001, biasSat: 0.5, biasSun: 1.5 });
    expect(points(c, { weekday: SATURDAY }).bias).toEqual({ day: 'Saturday', factor: 0.5, after: 500 });
    expect(points(c, { weekday: SUNDAY }).bias).toEqual({ day: 'Sunday', factor: 1.5, after: 1501 });
    expect(points(c, { weekday: 5 }).bias).toEqual({ day: null, factor: 1, after: 1001 });
  });

  it('[POINTS-6] underdog: nothing up to the starting difference, then +25 % per 1000', () => {
    const c = makeChallenge(1, { additionalPoints: 1000 });
    expect(points(c, { underdogGap: null }).underdog).toEqual({ gap: null, factor: 1, after: 1000 });
    expect(points(c, { underdogGap: 1000 }).underdog).toEqual({ gap: 1000, factor: 1, after: 1000 });
    expect(points(c, { underdogGap: 1001 }).underdog?.after).toBe(1000);
    expect(points(c, { underdogGap: 3000 }).underdog).toEqual({ gap: 3000, factor: 1.5, after: 1500 });
    expect(
      points(c, { underdogGap: 3000, config: testConfig({ underdogStartingDifference: 0 }) }).points,
    ).toBe(1750);
  });

  it('[POINTS-7] noise: sd = |p| · rsd, rounded half away from zero', () => {
    const c = makeChallenge(1, { additionalPoints: 1000 });
    const noisy = testConfig({ relativeStandardDeviation: 0.05 });
    const b = points(c, { config: noisy, rng: rngWith({ normal: () => 0.51 }) });
    expect(b.noise).toEqual({ standardDeviation: 50, value: 26, after: 1026 });
    expect(points(c, { config: noisy, rng: rngWith({ normal: () => -0.01 }) }).noise?.value).toBe(-1);
    const negative = points(makeChallenge(2, { additionalPoints: -200 }), {
      config: noisy,
      rng: rngWith({ normal: () => 1 }),
    });
    expect(negative.noise).toEqual({ standardDeviation: 10, value: 10, after: -190 });
  });

  it('[POINTS-7] noise off: deterministic, no draw from the RNG', () => {
    const c = makeChallenge(1, { additionalPoints: 1000 });
    const rng = rngWith({
      normal: () => {
        throw new Error('must not draw');
      },
    });
    expect(points(c, { config, rng }).noise).toEqual({ standardDeviation: 0, value: 0, after: 1000 });
  });

  it('[POINTS-7] noise is centred with the configured spread', () => {
    const c = makeChallenge(1, { additionalPoints: 2000 });
    const rng = seededRng(7);
    const noisy = testConfig({ relativeStandardDeviation: 0.05 });
    const draws = Array.from({ length: 20000 }, () => points(c, { config: noisy, rng }).noise?.value ?? NaN);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
    expect(Math.abs(mean)).toBeLessThan(2);
    expect(sd).toBeGreaterThan(98);
    expect(sd).toBeLessThan(102);
  });

  it('[POINTS-9] final points are clamped at 0', () => {
    const b = points(makeChallenge(1, { additionalPoints: -300, walkingTime: 10 }));
    expect(b.unclamped).toBe(-200);
    expect(b.points).toBe(0);
  });

  it('[POINTS-8] fixed: F = additional + reps × per-rep; a negative F is clamped at 0', () => {
    const c = makeChallenge(1, { fixed: true, additionalPoints: 50, pointsPerRep: 20, walkingTime: 30 });
    const b = points(c, { repetitions: 3 });
    expect(b.subtotal).toBe(50 + 300 + 60);
    expect(b.fixedPoints).toBe(110);
    expect(b.points).toBe(110);
    const neg = points(makeChallenge(2, { fixed: true, additionalPoints: -100, pointsPerRep: 10 }), {
      repetitions: 2,
    });
    expect(neg).toMatchObject({ fixedPoints: -80, unclamped: -80, points: 0 });
  });
});

describe('[POINTS-10] repetitions', () => {
  it('draws inclusively from min to max', () => {
    const rng = seededRng(3);
    const seen = new Set(Array.from({ length: 2000 }, () => drawRepetitions({ min: 3, max: 10 }, rng)));
    expect([...seen].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a range 2..2 yields 2 (the reference yielded 0)', () => {
    expect(drawRepetitions({ min: 2, max: 2 }, seededRng(1))).toBe(2);
  });
});
