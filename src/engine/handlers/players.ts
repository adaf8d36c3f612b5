import { fail, notFound, ok, type Handler, type Outcome } from '../handler.js';
import { parseSealedPassphrase } from '../passphrase.js';
import type { PlayerRecord } from '../state.js';
import type { Tx } from '../tx.js';
import { forgetPosition } from '../game/positions.js';
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
 * Name, passphrase (unique, PLAYER-3), phone, or session. Moving to another session takes the player out of
 * their team and forgets their last report: like `player.remove` and `player.erase`, a global command that
 * writes their old session's team and position in the same step (CLUSTER-12), so that no team lists a
 * player of another session.
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
  if (moving) {
    const refused = team === undefined ? undefined : leaveTeam(tx, player.id, team);
    if (refused) return refused;
    forgetPosition(tx, player.id);
  }
  const edited = tx.put('player', {
    ...player,
    name: command.name ?? player.name,
    passphrase,
    phone: command.phone === undefined ? player.phone : command.phone,
    session,
  });
  const view = playerView(edited, moving ? null : (team?.id ?? null));
  tx.broadcast({ session: null, audience: 'admins', event: { type: 'player.changed', player: view } });
  return ok(view);
};

/**
 * Removing keeps the player's history but ends their part: no team, no session, no login (PLAYER-4). Like a
 * move, it writes their session's team and position too (CLUSTER-12).
 */
export const playerRemove: Handler<'player.remove'> = (command, { tx }) => {
  const player = tx.get('player', command.id);
  if (player === undefined || player.removed) return notFound('player', command.id);
  const team = tx.teamOfPlayer(player.id);
  const refused = team === undefined ? undefined : leaveTeam(tx, player.id, team);
  if (refused) return refused;
  forgetPosition(tx, player.id);
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

/** Takes a player out of their team; refused while that team's session plays (LOCK-1). */
function leaveTeam(tx: Tx, player: number, team: TeamRecord): Outcome<never> | undefined {
  if (tx.get('session', team.session)?.game != null) {
    return fail('GAME_IN_PROGRESS', 'Team membership is locked while the game runs.');
  }
  tx.put('team', { ...team, players: team.players.filter((p) => p !== player) });
  return undefined;
}
