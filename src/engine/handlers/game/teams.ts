import { hiddenFrom, readerTeam } from '../../game/grace-secrets.js';
import { TEAM_NAME_SIMILARITY, similarity } from '../../game/similarity.js';
import {
  configOf,
  findTeam,
  freeColour,
  isOutcome,
  mayActAs,
  refuseWhileRunning,
  sessionOf,
  teamsOf,
} from '../../game/teams.js';
import type { TeamRecord } from '../../game/types.js';
import { teamView } from '../../game/views.js';
import { fail, notFound, ok, type Handler, type HandlerContext } from '../../handler.js';
import { forgetPosition } from '../../game/positions.js';
import { playerView } from '../../views.js';

/** Tells the session about a changed team (without its location, which travels on its own). */
export function broadcastTeam(ctx: HandlerContext, team: TeamRecord): void {
  ctx.tx.broadcast({
    session: team.session,
    audience: 'all',
    event: { type: 'team.changed', team: teamView(team, false) },
  });
}

export const teamAdd: Handler<'team.add'> = (command, ctx) => {
  const session = sessionOf(ctx);
  const locked = refuseWhileRunning(session, 'Adding teams');
  if (locked) return locked;
  const teams = teamsOf(ctx.tx, session.id);
  const clash = teams.find((t) => similarity(t.name, command.name) >= TEAM_NAME_SIMILARITY);
  if (clash !== undefined)
    return fail('TEAM_EXISTS', `The name is too similar to the team "${clash.name}".`, {
      entity: 'team',
      id: clash.id,
    });
  const config = configOf(session);
  const team: TeamRecord = {
    id: ctx.tx.newIdIn('team', session.id),
    session: session.id,
    name: command.name,
    colour: command.colour ?? freeColour(config, teams),
    players: [],
    role: 'Runner',
    points: 0,
    bounty: 0,
    // A zone id, not the start zone's number (the reference's bug): unknown until a game starts.
    zoneId: null,
    sectorId: null,
    location: null,
    lastTrackPoint: null,
    offers: [],
    periods: [],
    grace: null,
    picture: null,
    createdAt: ctx.now,
  };
  ctx.tx.put('team', team);
  broadcastTeam(ctx, team);
  return ok(teamView(team));
};

export const teamRename: Handler<'team.rename'> = (command, ctx) => {
  const team = findTeam(ctx, command.team);
  if (isOutcome(team)) return team;
  const refused = mayActAs(ctx, team) ?? refuseWhileRunning(sessionOf(ctx), 'Renaming teams');
  if (refused) return refused;
  const clash = teamsOf(ctx.tx, team.session).find(
    (t) => t.id !== team.id && similarity(t.name, command.name) >= TEAM_NAME_SIMILARITY,
  );
  if (clash !== undefined)
    return fail('TEAM_EXISTS', `The name is too similar to the team "${clash.name}".`, {
      entity: 'team',
      id: clash.id,
    });
  const renamed = ctx.tx.put('team', { ...team, name: command.name });
  broadcastTeam(ctx, renamed);
  return ok(teamView(renamed));
};

export const teamRemove: Handler<'team.remove'> = (command, ctx) => {
  const locked = refuseWhileRunning(sessionOf(ctx), 'Removing teams');
  if (locked) return locked;
  const team = findTeam(ctx, command.team);
  if (isOutcome(team)) return team;
  // Its players are in no team once no team lists them (CLUSTER-12): their records stay as they are. Their
  // last reports go, as when they leave a team one by one (TEAM-6), so that no position of the session
  // names a player on no team, whom a global step may then move or remove (CLUSTER-15).
  ctx.tx.delete('team', team.id);
  for (const player of team.players) forgetPosition(ctx.tx, player);
  ctx.tx.broadcast({
    session: team.session,
    audience: 'all',
    event: { type: 'team.removed', team: team.id },
  });
  return ok({ removed: team.id });
};

export const teamList: Handler<'team.list'> = (_command, ctx) =>
  ok(teamsOf(ctx.tx, ctx.session as number).map((t) => teamView(t, locationVisible(ctx, t))));

/**
 * Whether a connection sees a team's location: a catcher's does not while the team is in grace
 * (VISIBILITY-3), and, while the game runs, a team's does not when the location was reported in a grace
 * while it was a catcher (VISIBILITY-4).
 */
export function locationVisible(ctx: HandlerContext, team: TeamRecord): boolean {
  return trailVisible(ctx, team) && !hiddenFrom(readerTeam(ctx), team.locationHiddenFrom);
}

/** VISIBILITY-3: a catcher's connection sees nothing of where a team in grace is, trail included. */
export function trailVisible(ctx: HandlerContext, team: TeamRecord): boolean {
  if (team.grace === null) return true;
  const reader = readerTeam(ctx);
  return reader === undefined || ctx.tx.get('team', reader)?.role !== 'Catcher';
}

/** A player is in at most one team of one session: joining one leaves any other. */
export const teamAssign: Handler<'team.assign'> = (command, ctx) => {
  const session = sessionOf(ctx);
  const locked = refuseWhileRunning(session, 'Team membership');
  if (locked) return locked;
  const player = ctx.tx.get('player', command.player);
  if (player === undefined || player.removed) return notFound('player', command.player);
  if (player.session !== session.id) {
    return fail('BAD_DATA', `Player ${player.id} does not belong to this session.`, {
      entity: 'player',
      id: player.id,
    });
  }
  const target = command.team === null ? null : findTeam(ctx, command.team);
  if (target !== null && isOutcome(target)) return target;
  // Membership is the teams' member lists (CLUSTER-12): this writes teams of the session, never the player.
  const old = ctx.tx.teamOfPlayer(player.id);
  if (old !== undefined && old.id !== target?.id)
    broadcastTeam(ctx, ctx.tx.put('team', { ...old, players: old.players.filter((p) => p !== player.id) }));
  if (target !== null && !target.players.includes(player.id)) {
    broadcastTeam(ctx, ctx.tx.put('team', { ...target, players: [...target.players, player.id] }));
  }
  forgetPosition(ctx.tx, player.id);
  const moved = playerView(player, target?.id ?? null);
  ctx.tx.broadcast({
    session: session.id,
    audience: 'all',
    event: { type: 'player.changed', player: moved },
  });
  return ok(moved);
};

/** A game master's override: only the role changes (TEAM-7). */
export const teamSetRole: Handler<'team.setRole'> = (command, ctx) => {
  const team = findTeam(ctx, command.team);
  if (isOutcome(team)) return team;
  if (team.role === command.role) return ok(teamView(team));
  const changed = ctx.tx.put('team', { ...team, role: command.role });
  broadcastTeam(ctx, changed);
  return ok(teamView(changed));
};
