import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../engine/handler.js';
import type { EngineState } from '../engine/state.js';
import { gameMasterOfToken } from './gm-tokens.js';
import { hashPlayerToken } from './player-tokens.js';

/**
 * Who a token makes its bearer (AUTH-1): the admin token the owner; a live game master's token that
 * game master (AUTH-7); a live player token (from `auth.login`, of a player not removed, found by its
 * hash: AUTH-8) that player, carrying the token record's id so that the login ends when the record is
 * deleted (`auth.logout`, `player.remove`). Any other token: undefined (refuse it).
 */
export function actorOfToken(state: EngineState, adminToken: string, token: string): Actor | undefined {
  if (sameSecret(token, adminToken)) return { kind: 'admin' };
  const gameMaster = gameMasterOfToken(state, token);
  if (gameMaster !== undefined) return gameMaster;
  const tokenHash = hashPlayerToken(token);
  for (const record of state.tables.token.values()) {
    if (!sameSecret(tokenHash, record.tokenHash)) continue;
    const player = state.tables.player.get(record.player);
    if (player === undefined || player.removed) return undefined;
    return { kind: 'player', player: player.id, token: record.id };
  }
  return undefined;
}

/** Compares secrets in time independent of where they differ (both are hashed to equal length first). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
