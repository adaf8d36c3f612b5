import { z } from 'zod';
import { challengeActionSchema } from './catalogue.js';
import { idSchema } from './entities.js';

/**
 * Wire shapes of challenge generation (the HAND and POINTS rules): the offers a team holds and
 * the game master's preview of a hand. The engine's generation types are inferred from these, so what
 * a client decodes is what the engine returns.
 */

/** Truncated to an integer by the points formula. */
const whole = z.number().int();

/** What a runner team holds (HAND-1). Texts are final (placeholders filled). */
export const offerSchema = z
  .object({
    challengeId: idSchema,
    title: z.string(),
    description: z.string(),
    /** Final points (see {@link pointsBreakdownSchema} for when they may be fractional). */
    points: z.number().nonnegative(),
    /** Zone the team moves to on completion, if any. */
    zoneId: idSchema.nullable(),
    /**
     * That zone's ZVV number (what players call it: "zone 110"), so that a player sees it without the
     * catalogue. Absent on offers dealt by an older server.
     */
    zoneNumber: z.number().nullable().optional(),
    /**
     * The catalogue's translations of the title and description (CATALOGUE-7), language → text, filled
     * like `title` and `description` (placeholders, 🛤️ prefix), so that a phone can show its language.
     * Absent on offers dealt by an older server.
     */
    translatedTitles: z.record(z.string(), z.string()).optional(),
    translatedDescriptions: z.record(z.string(), z.string()).optional(),
    /** The challenge's first sector: the team's sector after completion. */
    sectorId: idSchema.nullable(),
    /** The drawn repetition count (also the default minutes of an action). */
    repetitions: whole,
    /** Stored only (CATALOGUE-7). */
    action: challengeActionSchema.nullable(),
  })
  .meta({ id: 'Offer' });
export type Offer = z.infer<typeof offerSchema>;

/** Generation phase of the day (HAND-3). `ratio` is the progress-derived value that drives the slots. */
export const phaseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('Specific') }),
  z.object({ kind: z.literal('Normal') }),
  z.object({ kind: z.literal('Perimeter'), ratio: z.number() }),
  z.object({ kind: z.literal('ZKaff'), ratio: z.number() }),
  z.object({ kind: z.literal('EndGame') }),
]);
export type Phase = z.infer<typeof phaseSchema>;

/** The phase and how it was reached. */
export const phaseResultSchema = z.object({
  phase: phaseSchema,
  /** Seconds since the configured start time of day (negative before the start). */
  secondsIntoGame: z.number(),
  /** The random shift applied before the Normal/Perimeter/ZKaff/EndGame decision; null if none was drawn. */
  wiggleSeconds: whole.nullable(),
});
export type PhaseResult = z.infer<typeof phaseResultSchema>;

/** Which position of the hand an offer was dealt for (HAND-5). */
export const SLOT_LABELS = [
  'specific',
  'near',
  'far',
  'regio',
  'unspecific',
  'perimeter-outer',
  'perimeter-inner',
  'zkaff-sector',
  'zkaff',
] as const;
export type SlotLabel = (typeof SLOT_LABELS)[number];

/**
 * Every term of the points formula (POINTS-1) for one offer. Terms the formula truncates are integers.
 * Terms taken from the config as they are (the zoneable bonus, the dead-end points) are integers only
 * if the config's are, and so are the sums built on them up to the final points: a weekday bias, no
 * underdog bonus and no noise pass a sum on untruncated.
 */
export const pointsBreakdownSchema = z
  .object({
    challengeId: idSchema,
    slot: z.enum(SLOT_LABELS),
    /** Fallback level the challenge was found at (0 = every filter held). */
    level: whole.nonnegative(),
    repetitions: whole,
    base: z.object({
      additionalPoints: whole,
      kaffskala: whole,
      grade: whole,
      walking: whole,
      stationary: whole,
      repetitions: whole,
      total: whole,
    }),
    /** Zone terms; null when the offer has no zone. */
    zone: z
      .object({
        zoneId: idSchema,
        zoneNumber: z.number(),
        zonicKaffness: whole,
        /** Matrix minutes from the team's zone; null when the matrix has no entry (counted as 0). */
        travelMinutes: z.number().nullable(),
        travel: whole,
        total: whole,
      })
      .nullable(),
    /** ZKaff terms; null for other kinds. */
    zkaff: z
      .object({
        deadEnd: z.number(),
        stationDistance: whole,
        timeToHb: whole,
        departures: whole,
        total: z.number(),
      })
      .nullable(),
    zoneableBonus: z.number(),
    /** Sum of all terms above: the points before weekend bias. */
    subtotal: z.number(),
    /** Null for fixed challenges (POINTS-8: not applied). `factor` is 1 on weekdays. */
    bias: z
      .object({ day: z.enum(['Saturday', 'Sunday']).nullable(), factor: z.number(), after: z.number() })
      .nullable(),
    /** Null for fixed challenges. `gap` null = no leader known (game start); `factor` 1 = no bonus. */
    underdog: z.object({ gap: z.number().nullable(), factor: z.number(), after: z.number() }).nullable(),
    /** Null for fixed challenges. `standardDeviation` is a float. */
    noise: z.object({ standardDeviation: z.number(), value: whole, after: z.number() }).nullable(),
    /** F = additionalPoints + repetitions × pointsPerRep for fixed challenges, else null. */
    fixedPoints: whole.nullable(),
    /** Result before clamping (may be negative). */
    unclamped: z.number(),
    /** Final points: `max(0, unclamped)` (POINTS-8). */
    points: z.number().nonnegative(),
  })
  .meta({ id: 'PointsBreakdown' });
export type PointsBreakdown = z.infer<typeof pointsBreakdownSchema>;

/** A dealt hand with its explanation (the result of `challenge.preview`). */
export const generationResultSchema = z.object({
  /** The new hand, shuffled; may hold fewer than `numChallenges` offers (see `problems`). */
  offers: z.array(offerSchema),
  /** `breakdowns[i]` explains `offers[i]`. */
  breakdowns: z.array(pointsBreakdownSchema),
  /** Null when generation stopped before reading the clock (invalid config or time zone). */
  phase: phaseResultSchema.nullable(),
  /** Human-readable reasons for fallbacks, missing zones and empty slots; empty when all went to plan. */
  problems: z.array(z.string()),
});
export type GenerationResult = z.infer<typeof generationResultSchema>;
