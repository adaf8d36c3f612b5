import { describe, expect, it } from 'vitest';
import { challengeDistance, minutesBetween, zonesWithin } from '../../../src/engine/generation/distance.js';
import { haversineMetres } from '../../../src/protocol/geo.js';
import { exampleZones, kaff, makeChallenge, Z } from './fixtures.js';

const [z110, z121] = exampleZones();
if (!z110 || !z121) throw new Error('fixture');

describe('[HAND-7] matrix distances', () => {
  it('looks up directed minutes', () => {
    expect(minutesBetween(z121, Z.z135)).toBe(22);
    expect(minutesBetween(z121, 999)).toBeUndefined();
  });

  it('challenge distance: closest listed zone with an entry, else 0', () => {
    expect(challengeDistance(z121, kaff(1, Z.z181))).toBe(40);
    expect(challengeDistance(z121, makeChallenge(2, { zones: [Z.z181, Z.z135, 999] }))).toBe(22);
    expect(challengeDistance(z121, makeChallenge(3, { zones: [999] }))).toBe(0);
    expect(challengeDistance(z121, makeChallenge(4))).toBe(0);
  });

  it('zones within a half-open range of a row, ascending, diagonal included', () => {
    expect(zonesWithin(z110, 0, 26)).toEqual([Z.z110, Z.z121]);
    expect(zonesWithin(z110, 25, 60)).toEqual([Z.z121, Z.z181]);
    expect(zonesWithin(z110, 61, 100)).toEqual([]);
  });
});

describe('[CATCH-2] haversine (lat, lon in the right order)', () => {
  const hb = { lat: 47.3779, lon: 8.5403 };

  it('is 0 for the same point and symmetric', () => {
    expect(haversineMetres(hb, hb)).toBe(0);
    const other = { lat: 47.39, lon: 8.52 };
    expect(haversineMetres(hb, other)).toBeCloseTo(haversineMetres(other, hb), 9);
  });

  it('one degree of latitude is ~111.2 km', () => {
    expect(haversineMetres({ lat: 47, lon: 8.5 }, { lat: 48, lon: 8.5 })).toBeCloseTo(111195, -1);
  });

  it('east–west distances shrink with cos(latitude) at Zürich (the reference swapped lat/lon)', () => {
    // 0.004° of longitude at 47.38° N ≈ 0.004 · 111195 · cos(47.38°) ≈ 301 m.
    const east = haversineMetres(hb, { lat: hb.lat, lon: hb.lon + 0.004 });
    expect(east).toBeGreaterThan(300.5);
    expect(east).toBeLessThan(301.5);
    // 0.0027° of latitude ≈ 300.2 m.
    expect(haversineMetres(hb, { lat: hb.lat + 0.0027, lon: hb.lon })).toBeCloseTo(300.2, 0);
  });
});
