import { fail, notFound, ok, type Handler, type Outcome } from '../handler.js';
import { parseSealedPassphrase } from '../passphrase.js';
import type { PlayerRecord } from '../state.js';
import type { Tx } from '../tx.js';
import { playerView } from '../views.js';

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
    team: null,
    passphrase,
    phone: null,
    picture: null,
    lastLocation: null,
    removed: false,
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

export const playerGet: Handler<'player.get'> = (command, { tx }) => {
  const player = tx.get('player', command.id);
  return player === undefined ? notFound('player', command.id) : ok(playerView(player));
};

/** Name, passphrase (unique, PLAYER-3), phone, or session (which takes the player out of their team). */
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
  if (moving && player.team !== null) {
    const refused = leaveTeam(tx, player.id, player.team);
    if (refused) return refused;
  }
  const edited = tx.put('player', {
    ...player,
    name: command.name ?? player.name,
    passphrase,
    phone: command.phone === undefined ? player.phone : command.phone,
    session,
    team: moving ? null : player.team,
    lastLocation: moving ? null : player.lastLocation,
  });
  tx.broadcast({
    session: null,
    audience: 'admins',
    event: { type: 'player.changed', player: playerView(edited) },
  });
  return ok(playerView(edited));
};

/** Removing keeps the player's history but ends their part: no team, no session, no login (PLAYER-4). */
export const playerRemove: Handler<'player.remove'> = (command, { tx }) => {
  const player = tx.get('player', command.id);
  if (player === undefined || player.removed) return notFound('player', command.id);
  if (player.team !== null) {
    const refused = leaveTeam(tx, player.id, player.team);
    if (refused) return refused;
  }
  for (const token of tx.all('token')) if (token.player === player.id) tx.delete('token', token.id);
  const removed = tx.put('player', {
    ...player,
    session: null,
    team: null,
    passphrase: null,
    phone: null,
    lastLocation: null,
    removed: true,
  });
  tx.broadcast({
    session: null,
    audience: 'admins',
    event: { type: 'player.changed', player: playerView(removed) },
  });
  return ok(playerView(removed));
};

/** Takes a player out of their team; refused while that team's session plays (LOCK-1). */
function leaveTeam(tx: Tx, player: number, teamId: number): Outcome<never> | undefined {
  const team = tx.get('team', teamId);
  if (team === undefined) return undefined;
  if (tx.get('session', team.session)?.game != null) {
    return fail('GAME_IN_PROGRESS', 'Team membership is locked while the game runs.');
  }
  tx.put('team', { ...team, players: team.players.filter((p) => p !== player) });
  return undefined;
}
