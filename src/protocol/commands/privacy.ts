import { z } from 'zod';
import { defineCommand } from '../define.js';
import { idSchema, playerSchema } from '../entities.js';
import { pastGameInfoSchema, teamSchema, trackPointSchema } from '../game.js';
import { pictureSchema } from '../pictures.js';

/** The privacy lifecycle (PRIVACY-1 to PRIVACY-3). */
export const playerErase = defineCommand({
  type: 'player.erase',
  summary:
    "Erases a player's global data: name, passphrase, phone, logins and profile pictures leave the state and journal; history keeps a pseudonym (after `player.forget` in each session that holds something of them: `ERASE_SESSIONS_FIRST`).",
  scope: 'global',
  access: 'admin',
  params: { id: idSchema },
  result: playerSchema,
});

/** What `player.forget` erased in its session. */
export const playerForgetSchema = z.object({
  player: idSchema,
  session: idSchema,
  /** Pictures the player uploaded in the session, deleted with their bytes. */
  pictures: z.number().int().nonnegative(),
  /** Archived games of the session whose trails and places of the player's teams were removed. */
  games: z.number().int().nonnegative(),
});

export const playerForget = defineCommand({
  type: 'player.forget',
  summary:
    "Erases what one session holds of a player (the first step of erasure): the pictures they uploaded there, their teams' trails and places, their position (not while on a team: `PLAYER_ON_TEAM`).",
  scope: 'session',
  access: 'admin',
  params: { player: idSchema },
  result: playerForgetSchema,
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
