import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GAME_CONFIG,
  parseTimeOfDay,
  resolveGameConfig,
  validateGameConfig,
} from '../../../src/engine/config/game-config.js';
import type { GameConfig } from '../../../src/engine/config/game-config.js';
import { makeCatalogue } from '../generation/fixtures.js';

const rulesOf = (over: Partial<GameConfig>) =>
  validateGameConfig(resolveGameConfig(over)).map((v) => `${v.rule}:${v.field}`);

describe('game config', () => {
  it('[CONFIG-2] defaults are the reference code values, frozen, and valid', () => {
    expect(DEFAULT_GAME_CONFIG).toMatchObject({
      centreZone: 110,
      startTime: '09:00',
      endTime: '17:00',
      numChallenges: 3,
      perimDistanceRange: { start: 24, end: 61 },
      zkaffRatioRange: { start: 0.3333, end: 1.3333 },
      challengeSets: [],
      catchLocationMaxAgeMinutes: 5,
    });
    expect(DEFAULT_GAME_CONFIG.teamColours).toHaveLength(16);
    expect(Object.isFrozen(DEFAULT_GAME_CONFIG.perimDistanceRange)).toBe(true);
    expect(validateGameConfig(resolveGameConfig())).toEqual([]);
  });

  it('[CONFIG-2] resolves overrides onto fresh copies of the defaults and drops unknown keys', () => {
    const c = resolveGameConfig({ numCatchers: 2, startTime: undefined, ...{ bogus: 1 } });
    expect(c.numCatchers).toBe(2);
    expect(c.startTime).toBe('09:00');
    expect('bogus' in c).toBe(false);
    c.challengeSets.push(1);
    expect(DEFAULT_GAME_CONFIG.challengeSets).toEqual([]);
  });

  it('[CONFIG-3] parses times of day', () => {
    expect(parseTimeOfDay('09:15')).toBe(555);
    expect(parseTimeOfDay('23:59')).toBe(1439);
    for (const bad of ['24:00', '9:15', '09:60', 'noon']) expect(parseTimeOfDay(bad)).toBeUndefined();
  });

  it('[CONFIG-3] rejects out-of-range values', () => {
    expect(rulesOf({ regioRatio: 1.1 })).toEqual(['out-of-range:regioRatio']);
    expect(rulesOf({ bountyPercentage: -0.1 })).toEqual(['out-of-range:bountyPercentage']);
    expect(rulesOf({ relativeStandardDeviation: -0.01 })).toEqual(['out-of-range:relativeStandardDeviation']);
    expect(rulesOf({ numChallenges: 0 })).toEqual(['out-of-range:numChallenges']);
    expect(rulesOf({ numChallenges: 2.5 })).toEqual(['out-of-range:numChallenges']);
    expect(rulesOf({ zkaffMinutes: -5 })).toEqual(['out-of-range:zkaffMinutes']);
    expect(rulesOf({ zkaffStationDistanceDivisor: 0 })).toEqual(['out-of-range:zkaffStationDistanceDivisor']);
    expect(rulesOf({ pointsPerGrade: Number.POSITIVE_INFINITY })).toEqual(['out-of-range:pointsPerGrade']);
    expect(rulesOf({ catchLocationMaxAgeMinutes: 0 })).toEqual(['out-of-range:catchLocationMaxAgeMinutes']);
    expect(rulesOf({ catchLocationMaxAgeMinutes: 0.5 })).toEqual([]);
  });

  it('[CONFIG-3] rejects malformed ranges, times, lists, colours and texts', () => {
    expect(rulesOf({ normalPeriodFarDistanceRange: { start: 71, end: 40 } })).toEqual([
      'bad-range:normalPeriodFarDistanceRange',
    ]);
    expect(rulesOf({ perimDistanceRange: { start: -1, end: 61 } })).toEqual(['bad-range:perimDistanceRange']);
    expect(rulesOf({ zkaffRatioRange: { start: 1, end: 0 } })).toEqual(['bad-range:zkaffRatioRange']);
    expect(rulesOf({ startTime: '9:00' })).toEqual(['bad-time-of-day:startTime']);
    expect(rulesOf({ endTime: '09:00' })).toEqual(['empty-game:endTime']);
    expect(rulesOf({ endTime: '02:00' })).toEqual([]);
    expect(rulesOf({ challengeSets: [1, 1] })).toEqual(['bad-set-list:challengeSets']);
    expect(rulesOf({ teamColours: [{ r: 0, g: 256, b: 0 }] })).toEqual(['bad-colour:teamColours']);
    expect(rulesOf({ defaultChallengeTitle: ' ' })).toEqual(['empty-text:defaultChallengeTitle']);
  });

  it('[CONFIG-3] checks zone numbers and set ids against a catalogue', () => {
    const catalogue = makeCatalogue();
    expect(validateGameConfig(resolveGameConfig({ challengeSets: [1, 2] }), catalogue)).toEqual([]);
    const v = validateGameConfig(
      resolveGameConfig({ centreZone: 999, startZone: 998, challengeSets: [3] }),
      catalogue,
    );
    expect(v.map((x) => `${x.rule}:${x.field}`)).toEqual([
      'unknown-zone:centreZone',
      'unknown-zone:startZone',
      'unknown-set:challengeSets',
    ]);
  });
});
