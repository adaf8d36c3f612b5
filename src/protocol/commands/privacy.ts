import { z } from 'zod';
import { defineCommand } from '../define.js';
import { idSchema, playerSchema } from '../entities.js';
import { pastGameInfoSchema, teamSchema, trackPointSchema } from '../game.js';
import { pictureSchema } from '../pictures.js';

/** The privacy lifecycle (PRIVACY-1 to PRIVACY-3). */
export const playerErase = defineCommand({
  type: 'player.erase',
  summary:
    'Erases a player: name, passphrase, phone, pictures and tracks leave the state, past games and journal; history keeps a pseudonym.',
  scope: 'global',
  access: 'admin',
  params: { id: idSchema },
  result: playerSchema,
});

export const playerExportSchema = z.object({
  exportedAt: z.number(),
  player: playerSchema,
  /** The player's pictures: profile pictures and the proof pictures they uploaded (bytes: `picture.read`). */
  pictures: z.array(pictureSchema),
  /** The team the player is in now, as its members see it. */
  team: teamSchema.nullable(),
  /** Every archived game the player took part in, with their team's record and trail. */
  games: z.array(
    pastGameInfoSchema.extend({ team: teamSchema.extend({ track: z.array(trackPointSchema) }) }),
  ),
});

export const playerExport = defineCommand({
  type: 'player.export',
  summary: "A player's own data as one JSON document (players may export only themselves).",
  scope: 'global',
  access: 'player',
  params: { id: idSchema },
  result: playerExportSchema,
});

/** Internal: the retention timer of a finished game fell due. */
export const privacyExpire = defineCommand({
  type: 'privacy.expire',
  summary: "Deletes a finished game's tracks and pictures after its retention period (run by its timer).",
  scope: 'global',
  access: 'internal',
  params: { pastGame: idSchema },
  result: z.object({ expired: z.boolean() }),
});
