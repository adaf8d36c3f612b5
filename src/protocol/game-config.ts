import { z } from 'zod';
import { idSchema } from './entities.js';

/**
 * The per-session game configuration (CONFIG-1, CONFIG-2, TIME-2, HAND-8): every
 * field, types only, and the one source of the engine's `GameConfig` type. Meaning (ranges, "HH:MM"
 * times, zone numbers that exist) is checked by the engine, which answers INVALID naming the rule.
 *
 * Units: durations in minutes, times of day as "HH:MM" (read in the session's time zone, TIME-2), zones by
 * ZVV *number* (not id), challenge sets by id, probabilities in [0, 1].
 */

/** A `{ start, end }` pair: see {@link MinuteRange} and {@link RatioRange}. */
const range = z.strictObject({ start: z.number(), end: z.number() });

export const gameConfigSchema = z.strictObject({
  /** Relative standard deviation of the points noise ("wiggle"); 0 = deterministic points. */
  relativeStandardDeviation: z.number(),
  pointsPerKaffness: z.number(),
  pointsPerGrade: z.number(),
  pointsPerWalkingMinute: z.number(),
  pointsPerStationaryMinute: z.number(),
  travelMinutesExponent: z.number(),
  travelMinutesMultiplier: z.number(),
  pointsForZoneable: z.number(),
  zkaffPointsForDeadEnd: z.number(),
  /** Metres of station distance per point (must be > 0). */
  zkaffStationDistanceDivisor: z.number(),
  zkaffPointsPerMinuteToHb: z.number(),
  zkaffDeparturesExponent: z.number(),
  zkaffDeparturesBase: z.number(),
  zkaffDeparturesMultiplier: z.number(),
  /**
   * Kept so every reference field stays settable (CONFIG-1), but it has no effect: fixed challenges always get
   * exactly their fixed points (POINTS-8).
   */
  fixedCutoffMult: z.number(),
  /** Points behind the leader before the underdog bonus starts. */
  underdogStartingDifference: z.number(),
  /** Extra multiplier per 1000 points beyond the starting difference. */
  underdogMultiplierPer1000: z.number(),
  /** Highest kaffskala allowed in the perimeter/ZKaff specific slots. */
  perimMaxKaff: z.number(),
  perimDistanceRange: range,
  normalPeriodNearDistanceRange: range,
  normalPeriodFarDistanceRange: range,
  pointsPerConnectedZoneLessThan6: z.number(),
  pointsPerBadConnectivityIndex: z.number(),
  pointsForNoTrain: z.number(),
  pointsForMongus: z.number(),
  /** ZVV number of the centre zone (ZKaff zone, perimeter rings, sector rule — HAND-8). */
  centreZone: z.number(),
  /** Playable challenge-set ids. Empty means every set (see the generation candidate filter). */
  challengeSets: z.array(idSchema).max(100),
  /** Offers per runner hand (the slot recipes are tuned for 3). */
  numChallenges: z.number(),
  /** Probability that the Normal phase's near slot becomes a region-specific one (HAND-6). */
  regioRatio: z.number(),
  zkaffRatioRange: range,
  numCatchers: z.number(),
  /** ZVV number of the zone every team starts in. */
  startZone: z.number(),
  gracePeriodMinutes: z.number(),
  /**
   * How old the caught team's latest location (and the catcher's position) may be for a catch (CATCH-6).
   * Not a reference field: the reference checked no age.
   */
  catchLocationMaxAgeMinutes: z.number(),
  /** Stored for completeness; the reference never uses it. */
  bountyBasePoints: z.number(),
  /** Initial points of the starting catcher teams. */
  bountyStartPoints: z.number(),
  /** Share of each completed challenge's points added to the team's bounty. */
  bountyPercentage: z.number(),
  /** "HH:MM" in the session's time zone. */
  startTime: z.string().max(5),
  /** "HH:MM"; earlier than `startTime` means the next day (START-2). */
  endTime: z.string().max(5),
  specificMinutes: z.number(),
  perimeterMinutes: z.number(),
  zkaffMinutes: z.number(),
  endGameMinutes: z.number(),
  /** Maximum random shift (±) of "now" when choosing the phase. */
  timeWiggleMinutes: z.number(),
  defaultChallengeTitle: z.string().max(200),
  defaultChallengeDescription: z.string().max(2000),
  /**
   * Days a finished game's location tracks and pictures are kept before they are deleted; scores and
   * events stay (PRIVACY-1).
   */
  retentionDays: z.number(),
  teamColours: z
    .array(z.strictObject({ r: z.number(), g: z.number(), b: z.number() }))
    .min(1)
    .max(64),
});
export type GameConfig = z.infer<typeof gameConfigSchema>;
/**
 * A range of whole minutes. For the near/far distance ranges `end` is **exclusive** (reference
 * semantics: the default near range 0..26 means 0–25 min). For `perimDistanceRange` both ends are the
 * radius values the perimeter shrinks between (`end` at the start of the phase, `start` at its end).
 */
export type MinuteRange = z.infer<typeof range>;
/** A ratio pair interpolated linearly over the ZKaff phase (start at its beginning, end at its end). */
export type RatioRange = z.infer<typeof range>;
/** A team colour of the config's palette. */
export type RgbColour = GameConfig['teamColours'][number];

/** What a session stores and `config.set` sends: only the fields that differ from the defaults. */
export const partialGameConfigSchema = gameConfigSchema.partial();
export type PartialGameConfig = z.infer<typeof partialGameConfigSchema>;
