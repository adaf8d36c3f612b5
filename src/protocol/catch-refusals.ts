import { z } from 'zod';
import { idSchema } from './entities.js';

/** The catch evidence problems (CATCH-6) a refused catch is put on record for (CATCH-7). */
export const CATCH_EVIDENCE_CODES = [
  'CATCHER_LOCATION_MISSING',
  'CATCHER_LOCATION_STALE',
  'TARGET_LOCATION_MISSING',
  'TARGET_LOCATION_STALE',
  'TEAMS_TOO_FAR',
] as const;
export const catchEvidenceCodeSchema = z.enum(CATCH_EVIDENCE_CODES);

/** Why a catch was refused, as the evidence check found it (CATCH-6). */
export const catchRefusalReasonSchema = z.object({
  code: catchEvidenceCodeSchema,
  /** How old the stale position was (ms), for the `_STALE` codes. */
  ageMs: z.number().nonnegative().optional(),
  /** How far apart the teams were (m), for `TEAMS_TOO_FAR`. */
  metres: z.number().nonnegative().optional(),
});

/**
 * A catch the evidence check refused (CATCH-7), kept for the game masters until a catch between either
 * team happens or the game ends: they may override it.
 */
export const catchRefusalSchema = z
  .object({
    id: idSchema,
    /** When it was refused (the server's clock). */
    at: z.number(),
    catcher: idSchema,
    caught: idSchema,
    /** The player whose catch it was, or null for a game master's. */
    by: idSchema.nullable(),
    reason: catchRefusalReasonSchema,
    /** The session's `catchLocationMaxAgeMinutes` when it was refused. */
    maxAgeMinutes: z.number(),
  })
  .meta({ id: 'CatchRefusal' });
export type CatchRefusal = z.infer<typeof catchRefusalSchema>;
