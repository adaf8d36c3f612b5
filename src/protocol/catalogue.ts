import { z } from 'zod';
import { idSchema } from './entities.js';

/**
 * Wire shapes of the global catalogue (CATALOGUE-1). The schemas check types only; the engine checks
 * meaning (ranges, references, the rules CATALOGUE-3 to CATALOGUE-10) and answers INVALID with the
 * broken rule's code, so that every add and edit is validated the same way as an import.
 */
export const CHALLENGE_KIND_NAMES = [
  'Kaff',
  'Ortsspezifisch',
  'Regionsspezifisch',
  'Unspezifisch',
  'Zoneable',
  'ZKaff',
] as const;
export const CHALLENGE_STATUS_NAMES = [
  'Approved',
  'Edited',
  'Rejected',
  'Glorious',
  'ToSort',
  'Refactor',
] as const;

const text = z.string().max(10_000);
const translations = z.record(z.string().min(1).max(20), text);

export const challengeActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('UncompletableMinutes'), minutes: z.number().nullable() }),
  z.object({ type: z.literal('Trap'), stuckMinutes: z.number().nullable(), catcherMessage: text.nullable() }),
]);

export const challengeInputSchema = z.strictObject({
  kind: z.enum(CHALLENGE_KIND_NAMES),
  sets: z.array(idSchema).max(100),
  status: z.enum(CHALLENGE_STATUS_NAMES),
  title: text.nullable(),
  description: text.nullable(),
  place: z.string().max(200).nullable(),
  randomPlace: z.enum(['Zone', 'SBahnZone']).nullable(),
  comment: text,
  kaffskala: z.number().nullable(),
  grade: z.number().nullable(),
  zones: z.array(idSchema).max(1000),
  sectors: z.array(idSchema).max(100),
  biasSat: z.number(),
  biasSun: z.number(),
  walkingTime: z.number(),
  stationaryTime: z.number(),
  additionalPoints: z.number(),
  repetitions: z.strictObject({ min: z.number(), max: z.number() }),
  pointsPerRep: z.number(),
  stationDistance: z.number(),
  timeToHb: z.number(),
  departures: z.number(),
  deadEnd: z.boolean(),
  noDisembark: z.boolean(),
  fixed: z.boolean(),
  inPerimeterOverride: z.boolean().nullable(),
  translatedTitles: translations,
  translatedDescriptions: translations,
  action: challengeActionSchema.nullable(),
});
export const challengeSchema = challengeInputSchema.extend({ id: idSchema, lastEdit: z.number() });
export type ChallengeInputWire = z.infer<typeof challengeInputSchema>;

export const challengeSetSchema = z.object({ id: idSchema, name: z.string() });

const minutesToSchema = z.record(z.string().regex(/^[1-9][0-9]*$/), z.number());

export const zoneInputSchema = z.strictObject({
  number: z.number(),
  numConnZones: z.number(),
  numConnections: z.number(),
  trainThrough: z.boolean(),
  mongus: z.boolean(),
  sBahnZone: z.boolean(),
  minutesTo: minutesToSchema,
  closeSectors: z.array(idSchema).max(100),
});
export const zoneSchema = zoneInputSchema.extend({ id: idSchema });

export const sectorSchema = z.object({ id: idSchema, name: z.string(), neighbours: z.array(idSchema) });
