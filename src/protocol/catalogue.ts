import { z } from 'zod';
import { CHALLENGE_KINDS, CHALLENGE_STATUSES, RANDOM_PLACES } from './vocabulary.js';
import { idSchema } from './entities.js';

/**
 * The global catalogue's vocabulary and wire shapes (CATALOGUE-4, CATALOGUE-8, CATALOGUE-9, CATALOGUE-10),
 * the one source of these types: the engine and the catalogue importer use the types inferred here.
 * Entities refer to each other by numeric database id; zone *numbers* (e.g. 110) are only a property of
 * a zone. Optional values are `null` (never `undefined`) so that records round-trip through JSON
 * unchanged. The schemas check types only; the engine checks meaning (ranges, references, the CATALOGUE-5
 * rules) and answers INVALID with the broken rule's code, so that every add and edit is validated the
 * same way as an import.
 */

export {
  CHALLENGE_KINDS,
  CHALLENGE_STATUSES,
  RANDOM_PLACES,
  type ChallengeKind,
  type ChallengeStatus,
  type RandomPlace,
} from './vocabulary.js';

const text = z.string().max(10_000);
/** Language code → text. */
const translations = z.record(z.string().min(1).max(20), text);

/**
 * Special quirk of a challenge. Stored, validated and returned unchanged; no game effect (CATALOGUE-7).
 * `null` minutes mean "the drawn repetition count".
 */
export const challengeActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('UncompletableMinutes'), minutes: z.number().nullable() }),
  z.object({ type: z.literal('Trap'), stuckMinutes: z.number().nullable(), catcherMessage: text.nullable() }),
]);
export type ChallengeAction = z.infer<typeof challengeActionSchema>;

/** Inclusive repetition range (POINTS-10): a draw yields an integer in `[min, max]`, both included. */
export const repetitionRangeSchema = z.strictObject({ min: z.number(), max: z.number() });
export type RepetitionRange = z.infer<typeof repetitionRangeSchema>;

/**
 * What add/edit/import supply: a challenge without the store-assigned `id` and `lastEdit`. Units: times
 * in minutes, `stationDistance` in metres, `departures` per hour. `zones`, `sectors` and `sets` hold
 * database ids.
 */
export const challengeInputSchema = z.strictObject({
  kind: z.enum(CHALLENGE_KINDS),
  /** Challenge-set ids (CATALOGUE-8). */
  sets: z.array(idSchema).max(100),
  status: z.enum(CHALLENGE_STATUSES),
  /** Player-facing title; may contain `%r`, `%z`, `%s` (HAND-12). */
  title: text.nullable(),
  description: text.nullable(),
  /** Station/village name of Kaff and ZKaff challenges; builds the automatic texts. */
  place: z.string().max(200).nullable(),
  randomPlace: z.enum(RANDOM_PLACES).nullable(),
  /** Authors' internal note; never shown to players. */
  comment: text,
  /** Remoteness 1–6. */
  kaffskala: z.number().nullable(),
  /** ÖV-Güteklasse 1–6. */
  grade: z.number().nullable(),
  /** Zone ids where the challenge can be done. */
  zones: z.array(idSchema).max(1000),
  /** Sector ids; the first one becomes the team's sector after completion. */
  sectors: z.array(idSchema).max(100),
  /** Points multiplier on Saturdays (in the session's time zone). */
  biasSat: z.number(),
  /** Points multiplier on Sundays. */
  biasSun: z.number(),
  /** Minutes of walking, 0–255. */
  walkingTime: z.number(),
  /** Minutes of waiting, 0–255. */
  stationaryTime: z.number(),
  /** Flat points, signed 16-bit. */
  additionalPoints: z.number(),
  repetitions: repetitionRangeSchema,
  /** Points per repetition, signed 16-bit. */
  pointsPerRep: z.number(),
  /** ZKaff: metres from the nearest train station, 0–65535. */
  stationDistance: z.number(),
  /** ZKaff: minutes to Zürich HB, 0–255. */
  timeToHb: z.number(),
  /** ZKaff: departures per hour, 0–255. */
  departures: z.number(),
  /** ZKaff: the stop can be left in one direction only. */
  deadEnd: z.boolean(),
  /** Done without leaving the vehicle (title gets a 🛤️ prefix). */
  noDisembark: z.boolean(),
  /** Points are exactly `additionalPoints + reps × pointsPerRep` (POINTS-8). */
  fixed: z.boolean(),
  /** Stored only (CATALOGUE-7). */
  inPerimeterOverride: z.boolean().nullable(),
  /** Stored and returned, not used by generation (CATALOGUE-7). */
  translatedTitles: translations,
  translatedDescriptions: translations,
  action: challengeActionSchema.nullable(),
});
export type ChallengeInput = z.infer<typeof challengeInputSchema>;

/** A raw catalogue entry (CATALOGUE-4). `lastEdit`: epoch ms of the last create or overwrite. */
export const challengeSchema = challengeInputSchema
  .extend({ id: idSchema, lastEdit: z.number() })
  .meta({ id: 'Challenge' });
export type Challenge = z.infer<typeof challengeSchema>;

/** A named catalogue subset (CATALOGUE-8); names are unique. */
export const challengeSetSchema = z.object({ id: idSchema, name: z.string() });
export type ChallengeSet = z.infer<typeof challengeSetSchema>;

/** A ZVV tariff zone with its metrics (CATALOGUE-9). */
export const zoneInputSchema = z.strictObject({
  /** ZVV zone number, e.g. 110. */
  number: z.number(),
  numConnZones: z.number(),
  numConnections: z.number(),
  trainThrough: z.boolean(),
  mongus: z.boolean(),
  sBahnZone: z.boolean(),
  /** Target zone id → travel minutes (directed). The ids are object keys, so strings in JSON. */
  minutesTo: z.record(z.string().regex(/^[1-9][0-9]*$/), z.number()),
  /** Sector ids considered close to this zone. */
  closeSectors: z.array(idSchema).max(100),
});
export type ZoneInput = z.infer<typeof zoneInputSchema>;
export const zoneSchema = zoneInputSchema.extend({ id: idSchema });
export type Zone = z.infer<typeof zoneSchema>;

/** A lettered sub-area of the centre zone (CATALOGUE-10). Neighbourhood is symmetric. */
export const sectorSchema = z.object({
  id: idSchema,
  /** Exactly one character, normally a capital letter. */
  name: z.string(),
  neighbours: z.array(idSchema),
});
export type Sector = z.infer<typeof sectorSchema>;
export type SectorInput = Omit<Sector, 'id'>;
