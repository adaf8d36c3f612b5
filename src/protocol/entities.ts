import { z } from 'zod';
import { MODES } from './vocabulary.js';

/** Wire shapes of the entities clients see. Ids are positive integers, stable, never reused (PROTOCOL-5). */
export const idSchema = z.number().int().positive();
export const nameSchema = z.string().trim().min(1).max(100);

export { MODES } from './vocabulary.js';
export const modeSchema = z.enum(MODES);

export const sessionSchema = z.object({
  id: idSchema,
  name: z.string(),
  mode: modeSchema,
  timeZone: z.string(),
  /** The running game's id, or null. */
  game: z.number().int().nullable(),
  /** Whether the session's game clock is paused. */
  paused: z.boolean(),
});
export type Session = z.infer<typeof sessionSchema>;

/** A player as every client may see it: the passphrase never leaves the server (AUTH-4). */
export const playerSchema = z.object({
  id: idSchema,
  name: z.string(),
  session: idSchema.nullable(),
  team: idSchema.nullable(),
  phone: z.string().nullable(),
  picture: idSchema.nullable(),
  removed: z.boolean(),
});
export type Player = z.infer<typeof playerSchema>;
