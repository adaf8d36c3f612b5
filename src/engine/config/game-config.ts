/**
 * The per-session game configuration's defaults and checks. Its fields (and their units) are the
 * protocol's (src/protocol/game-config.ts). A session stores only overrides; {@link resolveGameConfig}
 * merges them onto {@link DEFAULT_GAME_CONFIG}.
 */
import type { GameConfig, PartialGameConfig } from '../../protocol/game-config.js';
import type { Violation } from '../catalogue/validation.js';
import type { ConfigReferences } from './config-checks.js';
import {
  checkListsAndTexts,
  checkNumbers,
  checkRanges,
  checkReferences,
  checkTimes,
} from './config-checks.js';

export type { ConfigReferences } from './config-checks.js';
export { parseTimeOfDay } from './config-checks.js';
export type {
  GameConfig,
  MinuteRange,
  PartialGameConfig,
  RatioRange,
  RgbColour,
} from '../../protocol/game-config.js';

const TEAM_COLOURS: readonly (readonly [number, number, number])[] = [
  [221, 142, 199],
  [88, 186, 134],
  [101, 173, 238],
  [220, 155, 79],
  [174, 156, 240],
  [13, 185, 196],
  [166, 174, 78],
  [239, 140, 136],
  [215, 170, 236],
  [161, 184, 253],
  [102, 198, 233],
  [97, 203, 184],
  [154, 198, 130],
  [212, 183, 105],
  [245, 167, 133],
  [245, 162, 187],
];

/**
 * The reference defaults (code values, not the doc recommendations), plus this engine's own fields.
 * Deeply frozen.
 */
export const DEFAULT_GAME_CONFIG: Readonly<GameConfig> = deepFreeze({
  relativeStandardDeviation: 0.05,
  pointsPerKaffness: 90,
  pointsPerGrade: 20,
  pointsPerWalkingMinute: 10,
  pointsPerStationaryMinute: 10,
  travelMinutesExponent: 1.4,
  travelMinutesMultiplier: 3.0,
  pointsForZoneable: 100,
  zkaffPointsForDeadEnd: 50,
  zkaffStationDistanceDivisor: 20,
  zkaffPointsPerMinuteToHb: 5,
  zkaffDeparturesExponent: 1 / 3,
  zkaffDeparturesBase: 7.0,
  zkaffDeparturesMultiplier: 32.0,
  fixedCutoffMult: 2.0,
  underdogStartingDifference: 1000,
  underdogMultiplierPer1000: 0.25,
  perimMaxKaff: 4,
  perimDistanceRange: { start: 24, end: 61 },
  normalPeriodNearDistanceRange: { start: 0, end: 26 },
  normalPeriodFarDistanceRange: { start: 40, end: 71 },
  pointsPerConnectedZoneLessThan6: 15,
  pointsPerBadConnectivityIndex: 25,
  pointsForNoTrain: 30,
  pointsForMongus: 50,
  centreZone: 110,
  challengeSets: [],
  numChallenges: 3,
  regioRatio: 0.4,
  zkaffRatioRange: { start: 0.3333, end: 1.3333 },
  numCatchers: 3,
  startZone: 110,
  gracePeriodMinutes: 15,
  catchLocationMaxAgeMinutes: 5,
  bountyBasePoints: 0,
  bountyStartPoints: 500,
  bountyPercentage: 0.3,
  startTime: '09:00',
  endTime: '17:00',
  specificMinutes: 15,
  perimeterMinutes: 90,
  zkaffMinutes: 90,
  endGameMinutes: 30,
  timeWiggleMinutes: 7,
  defaultChallengeTitle: '[Kreative Titel]',
  defaultChallengeDescription: 'Pech gha: die Challenge isch leider unlösbar. Nehmed en anderi.',
  retentionDays: 30,
  teamColours: TEAM_COLOURS.map(([r, g, b]) => ({ r, g, b })),
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The effective config: defaults overlaid with a session's overrides. Returns a fresh, mutable deep copy,
 * so callers never share the frozen defaults' arrays.
 */
export function resolveGameConfig(overrides: PartialGameConfig = {}): GameConfig {
  // Unknown keys are dropped so that a stored override can never smuggle extra fields in.
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([k, v]) => v !== undefined && Object.hasOwn(DEFAULT_GAME_CONFIG, k)),
  );
  return structuredClone<GameConfig>({ ...DEFAULT_GAME_CONFIG, ...defined });
}

/**
 * Checks a (resolved) config for sane values: numeric ranges, probabilities in [0, 1], "HH:MM" times,
 * well-formed ranges, colours and texts; with `refs` also that the centre/start zone numbers and the set
 * ids exist. Returns every violation found; empty means valid. Pure.
 */
export function validateGameConfig(config: GameConfig, refs?: ConfigReferences): Violation[] {
  return [
    ...checkNumbers(config),
    ...checkRanges(config),
    ...checkTimes(config),
    ...checkListsAndTexts(config),
    ...(refs ? checkReferences(config, refs) : []),
  ];
}
