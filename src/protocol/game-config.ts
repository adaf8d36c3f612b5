import { z } from 'zod';
import { idSchema } from './entities.js';

/**
 * The per-session game config on the wire (CONFIG-1): every field, types only.
 * Meaning (ranges, "HH:MM" times, zone numbers that exist) is checked by the engine, which answers
 * INVALID naming the rule.
 */
const range = z.strictObject({ start: z.number(), end: z.number() });

export const gameConfigSchema = z.strictObject({
  relativeStandardDeviation: z.number(),
  pointsPerKaffness: z.number(),
  pointsPerGrade: z.number(),
  pointsPerWalkingMinute: z.number(),
  pointsPerStationaryMinute: z.number(),
  travelMinutesExponent: z.number(),
  travelMinutesMultiplier: z.number(),
  pointsForZoneable: z.number(),
  zkaffPointsForDeadEnd: z.number(),
  zkaffStationDistanceDivisor: z.number(),
  zkaffPointsPerMinuteToHb: z.number(),
  zkaffDeparturesExponent: z.number(),
  zkaffDeparturesBase: z.number(),
  zkaffDeparturesMultiplier: z.number(),
  fixedCutoffMult: z.number(),
  underdogStartingDifference: z.number(),
  underdogMultiplierPer1000: z.number(),
  perimMaxKaff: z.number(),
  perimDistanceRange: range,
  normalPeriodNearDistanceRange: range,
  normalPeriodFarDistanceRange: range,
  pointsPerConnectedZoneLessThan6: z.number(),
  pointsPerBadConnectivityIndex: z.number(),
  pointsForNoTrain: z.number(),
  pointsForMongus: z.number(),
  centreZone: z.number(),
  challengeSets: z.array(idSchema).max(100),
  numChallenges: z.number(),
  regioRatio: z.number(),
  zkaffRatioRange: range,
  numCatchers: z.number(),
  startZone: z.number(),
  gracePeriodMinutes: z.number(),
  catchLocationMaxAgeMinutes: z.number(),
  bountyBasePoints: z.number(),
  bountyStartPoints: z.number(),
  bountyPercentage: z.number(),
  startTime: z.string().max(5),
  endTime: z.string().max(5),
  specificMinutes: z.number(),
  perimeterMinutes: z.number(),
  zkaffMinutes: z.number(),
  endGameMinutes: z.number(),
  timeWiggleMinutes: z.number(),
  defaultChallengeTitle: z.string().max(200),
  defaultChallengeDescription: z.string().max(2000),
  teamColours: z
    .array(z.strictObject({ r: z.number(), g: z.number(), b: z.number() }))
    .min(1)
    .max(64),
});
export const partialGameConfigSchema = gameConfigSchema.partial();
export type GameConfigWire = z.infer<typeof gameConfigSchema>;
