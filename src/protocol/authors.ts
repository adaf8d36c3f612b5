import { z } from 'zod';
import { idSchema } from './entities.js';

/**
 * Who ran a command (AUTH-7): the owner (the data directory's admin token or the local socket), a named
 * game master, a player, a guest (a connection that has not logged in), or the engine itself (a timer, a
 * background job's result). Players are named by id only: an erased player's name is gone (PRIVACY-2).
 */
export const authorSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('owner') }),
    z.object({ kind: z.literal('gameMaster'), gameMaster: idSchema, name: z.string() }),
    z.object({ kind: z.literal('player'), player: idSchema }),
    z.object({ kind: z.literal('guest') }),
    z.object({ kind: z.literal('engine') }),
  ])
  .meta({ id: 'Author' });
export type Author = z.infer<typeof authorSchema>;

/** A correction as a game's record keeps it (CORRECTION-1, AUTH-7): what, to whom, why, by whom, when. */
export const correctionRecordSchema = z.object({
  at: z.number(),
  kind: z.enum(['undo', 'adjust', 'endGrace', 'newHand', 'move']),
  team: idSchema,
  reason: z.string().nullable(),
  by: authorSchema,
});
export type CorrectionRecord = z.infer<typeof correctionRecordSchema>;
