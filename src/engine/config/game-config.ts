/**
 * The per-session game configuration (CONFIG-1, CONFIG-2).
 * A session stores only overrides; {@link resolveGameConfig} merges them onto {@link DEFAULT_GAME_CONFIG}.
 *
 * Units: durations in minutes, times of day as "HH:MM" (read in the session's time zone, TIME-2), zones by
 * ZVV *number* (not id), challenge sets by id, probabilities in [0, 1].
 */
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

/**
 * A range of whole minutes. For the near/far distance ranges `end` is **exclusive** (reference
 * semantics: the default near range 0..26 means 0–25 min). For `perimDistanceRange` both ends are the
 * radius values the perimeter shrinks between (`end` at the start of the phase, `start` at its end).
 */
export interface MinuteRange {
  start: number;
  end: number;
}

/** A ratio pair interpolated linearly over the ZKaff phase (start at its beginning, end at its end). */
export interface RatioRange {
  start: number;
  end: number;
}

export interface RgbColour {
  r: number;
  g: number;
  b: number;
}

export interface GameConfig {
  /** Relative standard deviation of the points noise ("wiggle"); 0 = deterministic points. */
  relativeStandardDeviation: number;
  pointsPerKaffness: number;
  pointsPerGrade: number;
  pointsPerWalkingMinute: number;
  pointsPerStationaryMinute: number;
  travelMinutesExponent: number;
  travelMinutesMultiplier: number;
  pointsForZoneable: number;
  zkaffPointsForDeadEnd: number;
  /** Metres of station distance per point (must be > 0). */
  zkaffStationDistanceDivisor: number;
  zkaffPointsPerMinuteToHb: number;
  zkaffDeparturesExponent: number;
  zkaffDeparturesBase: number;
  zkaffDeparturesMultiplier: number;
  /**
   * Kept so every reference field stays settable (CONFIG-5), but it has no effect: fixed challenges
   * always get exactly their fixed points (POINTS-8).
   */
  fixedCutoffMult: number;
  /** Points behind the leader before the underdog bonus starts. */
  underdogStartingDifference: number;
  /** Extra multiplier per 1000 points beyond the starting difference. */
  underdogMultiplierPer1000: number;
  /** Highest kaffskala allowed in the perimeter/ZKaff specific slots. */
  perimMaxKaff: number;
  perimDistanceRange: MinuteRange;
  normalPeriodNearDistanceRange: MinuteRange;
  normalPeriodFarDistanceRange: MinuteRange;
  pointsPerConnectedZoneLessThan6: number;
  pointsPerBadConnectivityIndex: number;
  pointsForNoTrain: number;
  pointsForMongus: number;
  /** ZVV number of the centre zone (ZKaff zone, perimeter rings, sector rule — HAND-8). */
  centreZone: number;
  /** Playable challenge-set ids. Empty means every set (see the generation candidate filter). */
  challengeSets: number[];
  /** Offers per runner hand (the slot recipes are tuned for 3). */
  numChallenges: number;
  /** Probability that the Normal phase's near slot becomes a region-specific one (HAND-6). */
  regioRatio: number;
  zkaffRatioRange: RatioRange;
  numCatchers: number;
  /** ZVV number of the zone every team starts in. */
  startZone: number;
  gracePeriodMinutes: number;
  /**
   * How old the caught team's latest location (and the catcher's position) may be for a catch (CATCH-6).
   * Not a reference field: the reference checked no age.
   */
  catchLocationMaxAgeMinutes: number;
  /** Stored for completeness; the reference never uses it. */
  bountyBasePoints: number;
  /** Initial points of the starting catcher teams. */
  bountyStartPoints: number;
  /** Share of each completed challenge's points added to the team's bounty. */
  bountyPercentage: number;
  /** "HH:MM" in the session's time zone. */
  startTime: string;
  /** "HH:MM"; earlier than `startTime` means the next day (START-2). */
  endTime: string;
  specificMinutes: number;
  perimeterMinutes: number;
  zkaffMinutes: number;
  endGameMinutes: number;
  /** Maximum random shift (±) of "now" when choosing the phase. */
  timeWiggleMinutes: number;
  defaultChallengeTitle: string;
  defaultChallengeDescription: string;
  teamColours: RgbColour[];
}

export type PartialGameConfig = Partial<GameConfig>;

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
