import { z } from 'zod';
import { defineCommand } from '../define.js';
import { playerSchema } from '../entities.js';
import { passphraseSchema } from './core.js';

/**
 * Player login (AUTH-4, AUTH-5). The passphrase is sealed at the server's boundary like every `passphrase`
 * field, so the engine only compares digests; the token it returns is resumable: a hello carrying it
 * makes any later connection (also after a server restart) that player's connection.
 */
export const authLogin = defineCommand({
  type: 'auth.login',
  summary:
    'Logs in with a passphrase: returns a resumable player token (send it in the hello) and the player.',
  scope: 'global',
  access: 'public',
  params: { passphrase: passphraseSchema },
  result: z.object({ token: z.string(), player: playerSchema }),
});

export const authLogout = defineCommand({
  type: 'auth.logout',
  summary: 'Deletes the token this player connection logged in with: it no longer opens a connection.',
  scope: 'global',
  access: 'player',
  params: {},
  result: z.object({ loggedOut: z.boolean() }),
});
