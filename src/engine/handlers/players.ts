import { fail, notFound, ok, type Handler } from '../handler.js';
import { parseSealedPassphrase } from '../passphrase.js';
import type { PlayerRecord } from '../state.js';
import { playerView } from '../views.js';

export const playerAdd: Handler<'player.add'> = (command, { tx, now }) => {
  const passphrase = parseSealedPassphrase(command.passphrase);
  if (passphrase === undefined) return fail('BAD_DATA', 'The passphrase was not sealed by the server.');
  if (tx.find('player', (p) => p.passphrase.lookup === passphrase.lookup) !== undefined) {
    return fail('ALREADY_EXISTS', 'Another player already has this passphrase.', { field: 'passphrase' });
  }
  const session = command.session ?? null;
  if (session !== null && tx.get('session', session) === undefined) return notFound('session', session);
  const player: PlayerRecord = {
    id: tx.newId('player'),
    name: command.name,
    session,
    passphrase,
    createdAt: now,
  };
  tx.put('player', player);
  tx.broadcast({
    session: null,
    audience: 'admins',
    event: { type: 'player.added', player: playerView(player) },
  });
  return ok(playerView(player));
};

export const playerList: Handler<'player.list'> = (_command, { tx }) => ok(tx.all('player').map(playerView));
