import type { Author } from '../protocol/authors.js';
import type { Actor } from './handler.js';
import type { Tx } from './tx.js';

/**
 * Who a command ran as, for the record (AUTH-7): a game master by name (accounts are never deleted, so a
 * revoked one is still named), a player by id, the owner, a guest, or the engine itself.
 */
export function authorOf(tx: Pick<Tx, 'get'>, actor: Actor): Author {
  switch (actor.kind) {
    case 'admin': {
      if (actor.gm === undefined) return { kind: 'owner' };
      const name = tx.get('gameMaster', actor.gm)?.name ?? `#${actor.gm}`;
      return { kind: 'gameMaster', gameMaster: actor.gm, name };
    }
    case 'player':
      return { kind: 'player', player: actor.player };
    case 'guest':
      return { kind: 'guest' };
    case 'system':
      return { kind: 'engine' };
  }
}
