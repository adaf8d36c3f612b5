import { forgetPosition } from '../game/positions.js';
import { configOf } from '../game/teams.js';
import type { PastGameRecord, TeamRecord } from '../game/types.js';
import { teamView } from '../game/views.js';
import { fail, notFound, ok, type Handler, type HandlerContext, type Outcome } from '../handler.js';
import { blobKey, pictureView, type PictureRecord } from '../pictures/records.js';
import type { PlayerRecord, SessionRecord } from '../state.js';
import type { Tx } from '../tx.js';
import { playerView } from '../views.js';
import { armTimer } from './timers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The name an erased player keeps in history (PRIVACY-2): it says nothing about who they were. */
export const pseudonymOf = (player: number): string => `Erased player ${player}`;

/**
 * Arms the retention timer of a game that just ended (PRIVACY-1): in the game's session, whose archive
 * it clears (CLUSTER-11: the session's part), but on wall time, not on the session's game clock.
 */
export function armRetention(ctx: HandlerContext, session: SessionRecord, past: PastGameRecord): void {
  armTimer(ctx, {
    dueAt: past.endedAt + configOf(session).retentionDays * DAY_MS,
    session: session.id,
    wallClock: true,
    command: { type: 'privacy.expire', pastGame: past.id },
  });
}

/**
 * A finished game's retention period is over (PRIVACY-1): its tracks, positions and proof pictures go —
 * from the archive, from the teams while they still show its final standings, from the blob store and
 * from the journal's location reports — and its scores and events stay.
 */
export const privacyExpire: Handler<'privacy.expire'> = (command, ctx) => {
  const past = ctx.tx.get('pastGame', command.pastGame);
  if (past === undefined || past.expiredAt !== undefined) return ok({ expired: false });
  const pictures = new Set(past.teams.flatMap((t) => t.periods.flatMap((p) => p.pictures)));
  deletePictures(ctx.tx, pictures);
  ctx.tx.put('pastGame', {
    ...past,
    expiredAt: ctx.now,
    teams: past.teams.map((t) => ({ ...withoutPlaces(withoutPictures(t, pictures)), track: [] })),
  });
  for (const team of liveTeamsOf(ctx.tx, past)) stripLiveTeam(ctx.tx, team, pictures);
  ctx.tx.redact({
    kind: 'locations',
    session: past.session,
    from: past.startedAt,
    to: past.endedAt,
    players: null,
    teams: null,
  });
  return ok({ expired: true });
};

/**
 * Erases what one session holds of a player (PRIVACY-2, CLUSTER-17), the first step of erasure, writing
 * only the session's part: the pictures they uploaded there (with their bytes), the trails and places of
 * the session's teams they played in (archived, and live while a team still shows that game), their last
 * position. Refused while a team of the session lists them (`GAME_IN_PROGRESS` while it plays, else
 * `PLAYER_ON_TEAM`). The runtime rewrites the session's journal rows and logged broadcasts about them in
 * the same commit, a checkpoint like the erase.
 */
export const playerForget: Handler<'player.forget'> = (command, ctx) => {
  const { tx } = ctx;
  const session = ctx.session as number;
  const player = tx.get('player', command.player);
  if (player === undefined || player.erased === true) return notFound('player', command.player);
  const team = tx.teamOfPlayer(player.id);
  if (team !== undefined && team.session === session) return onTeam(tx, player, team);
  const pictures = new Set(
    tx
      .all('picture')
      .filter((p) => p.session === session && isSessionPictureOf(p, player.id))
      .map((p) => p.id),
  );
  deletePictures(tx, pictures);
  const { games, tracked } = eraseFromArchives(tx, player.id, pictures, session);
  for (const live of tx.all('team')) {
    if (live.session !== session) continue;
    if (tracked.has(live.id)) stripLiveTeam(tx, live, pictures);
    else if (showsAny(live, pictures)) tx.put('team', withoutPictures(live, pictures));
  }
  if (tx.get('position', player.id)?.session === session) forgetPosition(tx, player.id);
  tx.redact({
    kind: 'player',
    player: player.id,
    pseudonym: pseudonymOf(player.id),
    name: player.name,
    session,
  });
  return ok({ player: player.id, session, pictures: pictures.size, games });
};

/**
 * Erases a player's global data (PRIVACY-2, CLUSTER-17), writing only the global part: a pseudonym instead
 * of the name; no passphrase, phone, session or login; their profile pictures deleted. Refused while a
 * team lists them (`GAME_IN_PROGRESS` while it plays, else `PLAYER_ON_TEAM`) and while a session still
 * holds something that `player.forget` erases (`ERASE_SESSIONS_FIRST`, naming the sessions: a read of
 * their parts). The runtime rewrites the global journal rows, logs and answers in the same commit.
 */
export const playerErase: Handler<'player.erase'> = (command, ctx) => {
  const { tx } = ctx;
  const player = tx.get('player', command.id);
  if (player === undefined || player.erased === true) return notFound('player', command.id);
  const current = tx.teamOfPlayer(player.id);
  if (current !== undefined) return onTeam(tx, player, current);
  const sessions = sessionsHolding(tx, player.id);
  if (sessions.length > 0)
    return fail(
      'ERASE_SESSIONS_FIRST',
      `Sessions ${sessions.join(', ')} still hold something of ${player.name}: run player.forget in each first.`,
      { entity: 'player', id: player.id, sessions },
    );
  deletePictures(
    tx,
    new Set(
      tx
        .all('picture')
        .filter((p) => isPlayersPicture(p, player.id) && !isSessionPictureOf(p, player.id))
        .map((p) => p.id),
    ),
  );
  for (const token of tx.all('token')) if (token.player === player.id) tx.delete('token', token.id);
  const pseudonym = pseudonymOf(player.id);
  const erased = tx.put('player', erasedPlayer(player, pseudonym));
  tx.redact({ kind: 'player', player: player.id, pseudonym, name: player.name, session: null });
  tx.broadcast({
    session: null,
    audience: 'admins',
    event: { type: 'player.changed', player: playerView(erased, null) },
  });
  return ok(playerView(erased, null));
};

/**
 * The sessions that still hold something of the player that `player.forget` erases, in id order: a picture
 * they uploaded there, their last position, an archived game whose team of theirs keeps a trail or places,
 * or a live team that still shows such a game with its trail.
 */
function sessionsHolding(tx: Tx, player: number): number[] {
  const sessions = new Set<number>();
  for (const p of tx.all('picture'))
    if (p.session !== null && isSessionPictureOf(p, player)) sessions.add(p.session);
  const position = tx.get('position', player);
  if (position !== undefined) sessions.add(position.session);
  const points = tx.all('trackPoint');
  for (const past of tx.all('pastGame')) {
    const played = past.teams.filter((t) => t.players.includes(player));
    if (played.some(hasTrail)) sessions.add(past.session);
    const ids = new Set(played.map((t) => t.id));
    const live = liveTeamsOf(tx, past).filter((t) => ids.has(t.id));
    if (live.some((t) => hasTrail({ ...t, track: points.filter((p) => p.team === t.id) })))
      sessions.add(past.session);
  }
  return [...sessions].sort((a, b) => a - b);
}

/**
 * The refusal while a team lists the player (CLUSTER-17): its game's (`GAME_IN_PROGRESS`), else
 * `PLAYER_ON_TEAM` (taking them off is the session's `team.assign`).
 */
function onTeam(tx: Tx, player: PlayerRecord, team: TeamRecord): Outcome<never> {
  if (tx.get('session', team.session)?.game != null)
    return fail('GAME_IN_PROGRESS', "The player's team is playing: erase them after the game.");
  return fail('PLAYER_ON_TEAM', `${player.name} is on the team "${team.name}": take them off it first.`, {
    entity: 'team',
    id: team.id,
  });
}

/** A team's picture or a period's proof the player uploaded: a session's part (CLUSTER-11). */
const isSessionPictureOf = (p: PictureRecord, player: number): boolean =>
  p.kind !== 'player' && p.session !== null && p.uploadedBy === player;

/** Whether a team (or an archive's copy of one) keeps a trail or a place. */
const hasTrail = (team: TeamRecord & { readonly track: readonly unknown[] }): boolean =>
  team.track.length > 0 ||
  team.location !== null ||
  team.lastTrackPoint !== null ||
  team.periods.some((p) => p.location !== null);

/**
 * Takes a player's pictures out of the session's archives, and the trail and places of each team they
 * played in (with a redaction of what its phones reported during that game). Returns how many archived
 * games it changed that way, and the live teams that still show such a game: their trails go too.
 */
function eraseFromArchives(
  tx: Tx,
  player: number,
  pictures: ReadonlySet<number>,
  session: number,
): { games: number; tracked: Set<number> } {
  const tracked = new Set<number>();
  let games = 0;
  for (const past of tx.all('pastGame')) {
    if (past.session !== session) continue;
    const played = new Set(past.teams.filter((t) => t.players.includes(player)).map((t) => t.id));
    if (played.size === 0 && !past.teams.some((t) => showsAny(t, pictures))) continue;
    tx.put('pastGame', {
      ...past,
      teams: past.teams.map((t) =>
        played.has(t.id)
          ? { ...withoutPlaces(withoutPictures(t, pictures)), track: [] }
          : withoutPictures(t, pictures),
      ),
    });
    if (played.size === 0) continue;
    games += 1;
    for (const team of liveTeamsOf(tx, past)) if (played.has(team.id)) tracked.add(team.id);
    // A team travels together: what its phones reported during the game is the player's track as well.
    tx.redact({
      kind: 'locations',
      session: past.session,
      from: past.startedAt,
      to: past.endedAt,
      players: past.teams.filter((t) => played.has(t.id)).flatMap((t) => t.players),
      teams: [...played],
    });
  }
  return { games, tracked };
}

const erasedPlayer = (player: PlayerRecord, pseudonym: string): PlayerRecord => ({
  id: player.id,
  name: pseudonym,
  session: null,
  passphrase: null,
  phone: null,
  picture: null,
  removed: true,
  erased: true,
  createdAt: player.createdAt,
});

/** A player's own data as JSON (PRIVACY-3): a player may export only themselves (AUTH-3). */
export const playerExport: Handler<'player.export'> = (command, { tx, actor, now }) => {
  if (actor.kind === 'player' && actor.player !== command.id)
    return fail('UNAUTHORISED', 'A player may export only their own data.');
  const player = tx.get('player', command.id);
  if (player === undefined) return notFound('player', command.id);
  const team = tx.teamOfPlayer(player.id);
  const games = tx.all('pastGame').flatMap((g) => {
    const played = g.teams.find((t) => t.players.includes(player.id));
    if (played === undefined) return [];
    const { id, session, name, startedAt, endedAt } = g;
    return [
      { id, session, name, startedAt, endedAt, team: { ...teamView(played), track: [...played.track] } },
    ];
  });
  return ok({
    exportedAt: now,
    player: playerView(player, team?.id ?? null),
    pictures: tx
      .all('picture')
      .filter((p) => isPlayersPicture(p, player.id))
      .map(pictureView),
    team: team === undefined ? null : teamView(team),
    games,
  });
};

const isPlayersPicture = (p: PictureRecord, player: number): boolean =>
  (p.kind === 'player' && p.owner === player) || p.uploadedBy === player;

/**
 * Deletes picture records and the blobs of their bytes. Bytes are stored once under their content hash
 * (PICTURE-4), so identical pictures share a blob: a key goes only when no remaining picture names it.
 */
function deletePictures(tx: Tx, ids: ReadonlySet<number>): void {
  const keys = new Set<string>();
  for (const id of ids) {
    const picture = tx.get('picture', id);
    if (picture === undefined) continue;
    tx.delete('picture', id);
    keys.add(blobKey(picture)).add(blobKey(picture.thumb));
  }
  if (keys.size === 0) return;
  for (const picture of tx.all('picture')) {
    keys.delete(blobKey(picture));
    keys.delete(blobKey(picture.thumb));
  }
  for (const key of keys) tx.deleteBlob(key);
}

/** The session's live teams that still show this archived game's final standings (no game since). */
function liveTeamsOf(tx: Tx, past: PastGameRecord): TeamRecord[] {
  const session = tx.get('session', past.session);
  if (session === undefined || session.game !== null || session.gamesPlayed !== past.game) return [];
  const ids = new Set(past.teams.map((t) => t.id));
  return tx.all('team').filter((t) => ids.has(t.id));
}

/** A live team without its trail, positions and the given pictures. */
function stripLiveTeam(tx: Tx, team: TeamRecord, pictures: ReadonlySet<number>): void {
  for (const point of tx.all('trackPoint')) if (point.team === team.id) tx.delete('trackPoint', point.id);
  tx.put('team', withoutPlaces(withoutPictures(tx.get('team', team.id) ?? team, pictures)));
}

const showsAny = (team: TeamRecord, pictures: ReadonlySet<number>): boolean =>
  (team.picture !== null && pictures.has(team.picture)) ||
  team.periods.some((p) => p.pictures.some((id) => pictures.has(id)));

function withoutPlaces<T extends TeamRecord>(team: T): T {
  return {
    ...team,
    location: null,
    lastTrackPoint: null,
    periods: team.periods.map((p) => ({ ...p, location: null })),
  };
}

function withoutPictures<T extends TeamRecord>(team: T, pictures: ReadonlySet<number>): T {
  return {
    ...team,
    picture: team.picture !== null && pictures.has(team.picture) ? null : team.picture,
    periods: team.periods.map((p) => ({ ...p, pictures: p.pictures.filter((id) => !pictures.has(id)) })),
  };
}
