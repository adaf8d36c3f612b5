import { fail, ok, type Handler } from '../handler.js';
import { parseSealedPassphrase } from '../passphrase.js';
import { playerViewIn } from '../views.js';

/**
 * Login (AUTH-4, AUTH-5, AUTH-8): the runtime sealed the passphrase, so the player is found by its keyed
 * lookup digest. Removed players have no passphrase any more and can never log in. Every refusal reads the
 * same whatever was typed, and nothing of the passphrase is echoed. The new login is stored under the
 * hash of the token the runtime drew; the answer names the token by that hash, and the runtime, which
 * alone knows the token, puts it in its place.
 */
export const authLogin: Handler<'auth.login'> = (command, { tx, now, loginTokenHash }) => {
  const sealed = parseSealedPassphrase(command.passphrase);
  if (sealed === undefined) return fail('BAD_DATA', 'The passphrase was not sealed by the server.');
  if (loginTokenHash === undefined) return fail('INTERNAL', 'No login token was issued for this login.');
  const player = tx.playerWithPassphrase(sealed.lookup);
  if (player === undefined || player.removed)
    return fail('NOT_FOUND', 'No player has this passphrase.', { entity: 'player' });
  if (player.session === null) {
    return fail('NOT_FOUND', 'This player is in no game session yet: ask the game master.', {
      entity: 'session',
    });
  }
  tx.put('token', { id: tx.newId('token'), player: player.id, tokenHash: loginTokenHash, createdAt: now });
  return ok({ token: loginTokenHash, player: playerViewIn(tx, player) });
};

/** Ends the login this connection was opened with: its token no longer opens (or keeps) a connection. */
export const authLogout: Handler<'auth.logout'> = (_command, { tx, actor }) => {
  if (actor.kind !== 'player' || actor.token === undefined) return ok({ loggedOut: false });
  if (tx.get('token', actor.token) === undefined) return ok({ loggedOut: false });
  tx.delete('token', actor.token);
  return ok({ loggedOut: true });
};
