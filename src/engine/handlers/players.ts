import { fail, notFound, ok, type Handler, type Outcome } from '../handler.js';
import { parseSealedPassphrase } from '../passphrase.js';
import type { PlayerRecord } from '../state.js';
import type { TeamRecord } from '../game/types.js';
import { playerView, playerViewIn } from '../views.js';

export const playerAdd: Handler<'player.add'> = (command, { tx, now }) => {
  const passphrase = parseSealedPassphrase(command.passphrase);
  if (passphrase === undefined) return fail('BAD_DATA', 'The passphrase was not sealed by the server.');
  if (tx.playerWithPassphrase(passphrase.lookup) !== undefined) {
    return fail('ALREADY_EXISTS', 'Another player already has this passphrase.', { field: 'passphrase' });
  }
  const session = command.session ?? null;
  if (session !== null && tx.get('session', session) === undefined) return notFound('session', session);
  const player: PlayerRecord = {
    id: tx.newId('player'),
    name: command.name,
    session,
    passphrase,
    phone: null,
    picture: null,
    removed: false,
    createdAt: now,
  };
  tx.put('player', player);
  tx.broadcast({
    session: null,
    audience: 'admins',
    event: { type: 'player.added', player: playerView(player, null) },
  });
  return ok(playerView(player, null));
};

export const playerList: Handler<'player.list'> = (_command, { tx }) =>
  ok(tx.all('player').map((p) => playerViewIn(tx, p)));

export const playerGet: Handler<'player.get'> = (command, { tx }) => {
  const player = tx.get('player', command.id);
  return player === undefined ? notFound('player', command.id) : ok(playerViewIn(tx, player));
};

/**
 * Name, passphrase (unique, PLAYER-3), phone, or session. A global step (CLUSTER-15): moving a player who
 * is on a team of their session is refused (`PLAYER_ON_TEAM`); the game master takes them off the team
 * first with the session's `team.assign`, which also forgets their last report. So the move writes only
 * the player record, and no record of the old session names the player afterwards.
 */
export const playerEdit: Handler<'player.edit'> = (command, { tx }) => {
  const player = tx.get('player', command.id);
  if (player === undefined || player.removed) return notFound('player', command.id);
  let passphrase = player.passphrase;
  if (command.passphrase !== undefined) {
    const sealed = parseSealedPassphrase(command.passphrase);
    if (sealed === undefined) return fail('BAD_DATA', 'The passphrase was not sealed by the server.');
    const holder = tx.playerWithPassphrase(sealed.lookup);
    if (holder !== undefined && holder.id !== player.id) {
      return fail('ALREADY_EXISTS', 'Another player already has this passphrase.', { field: 'passphrase' });
    }
    passphrase = sealed;
  }
  const session = command.session === undefined ? player.session : command.session;
  if (session !== null && tx.get('session', session) === undefined) return notFound('session', session);
  const moving = session !== player.session;
  const team = tx.teamOfPlayer(player.id);
  if (moving && team !== undefined) return onTeam(player, team, 'moving them to another session');
  const edited = tx.put('player', {
    ...player,
    name: command.name ?? player.name,
    passphrase,
    phone: command.phone === undefined ? player.phone : command.phone,
    session,
  });
  const view = playerView(edited, team?.id ?? null);
  tx.broadcast({ session: null, audience: 'admins', event: { type: 'player.changed', player: view } });
  return ok(view);
};

/**
 * Removing keeps the player's history but ends their part: no session, no login (PLAYER-4). Like a move,
 * refused while they are on a team (CLUSTER-15), so that it writes only the global part.
 */
export const playerRemove: Handler<'player.remove'> = (command, { tx }) => {
  const player = tx.get('player', command.id);
  if (player === undefined || player.removed) return notFound('player', command.id);
  const team = tx.teamOfPlayer(player.id);
  if (team !== undefined) return onTeam(player, team, 'removing them');
  for (const token of tx.all('token')) if (token.player === player.id) tx.delete('token', token.id);
  const removed = tx.put('player', {
    ...player,
    session: null,
    passphrase: null,
    phone: null,
    removed: true,
  });
  const view = playerView(removed, null);
  tx.broadcast({ session: null, audience: 'admins', event: { type: 'player.changed', player: view } });
  return ok(view);
};

/**
 * The refusal of a global step that would take a player out of their session while a team of it lists
 * them (CLUSTER-15): the team is the session's part, which a global step does not write.
 */
function onTeam(player: PlayerRecord, team: TeamRecord, doing: string): Outcome<never> {
  return fail(
    'PLAYER_ON_TEAM',
    `${player.name} is on the team "${team.name}": take them off the team before ${doing}.`,
    { entity: 'team', id: team.id },
  );
}
