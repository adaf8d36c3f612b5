import {
  dealHand,
  findTeam,
  isOutcome,
  sessionOf,
  topScore,
  withGraceUntil,
  withoutGrace,
} from '../../game/teams.js';
import type { TeamRecord, TeamStanding } from '../../game/types.js';
import { teamView } from '../../game/views.js';
import { authorOf } from '../../authors.js';
import { fail, notFound, ok, type Handler, type HandlerContext, type Outcome } from '../../handler.js';
import { broadcastTeam } from './teams.js';

/**
 * Game-master corrections (CORRECTION-1): journaled commands like any other, each announced to the
 * session. They correct the running game (paused or not): once it has ended, its archive is final and
 * the teams' last standings are what it recorded, so corrections answer GAME_NOT_RUNNING.
 */
function correctable(ctx: HandlerContext, id: number): TeamRecord | Outcome<never> {
  if (sessionOf(ctx).game === null) return fail('GAME_NOT_RUNNING', 'Corrections are for the running game.');
  return findTeam(ctx, id);
}

function announce(
  ctx: HandlerContext,
  kind: 'undo' | 'adjust' | 'endGrace' | 'newHand' | 'move',
  team: TeamRecord,
  reason?: string,
): void {
  broadcastTeam(ctx, team);
  const record = {
    at: ctx.now,
    kind,
    team: team.id,
    reason: reason ?? null,
    by: authorOf(ctx.tx, ctx.actor),
  };
  // The game keeps its corrections with their authors, and its archive will too (AUTH-7).
  const session = sessionOf(ctx);
  if (session.game !== null) {
    const corrections = [...(session.game.corrections ?? []), record];
    ctx.tx.put('session', { ...session, game: { ...session.game, corrections } });
  }
  const { at: _at, ...event } = record;
  ctx.tx.broadcast({ session: team.session, audience: 'all', event: { type: 'correction', ...event } });
}

/**
 * Undoes a team's last catch or completion exactly: the period goes (on both teams for a catch), and
 * points, bounty, role, zone, sector, hand and grace are put back as they stood before. Only the latest
 * event of each team involved can be undone, so nothing that happened afterwards is silently lost.
 */
export const correctionUndo: Handler<'correction.undo'> = (command, ctx) => {
  const team = correctable(ctx, command.team);
  if (isOutcome(team)) return team;
  const last = team.periods.at(-1);
  if (last === undefined) return fail('BAD_DATA', 'The team has nothing to undo.');
  const involved: TeamRecord[] = [team];
  const c = last.context;
  if (c.type !== 'completed') {
    const otherId = c.type === 'caught' ? c.catcherTeam : c.caughtTeam;
    const other = ctx.tx.get('team', otherId);
    if (other === undefined) return notFound('team', otherId);
    const linked = c.type === 'caught' ? c.catcherPeriod : c.caughtPeriod;
    if (other.periods.length - 1 !== linked) {
      return fail('BAD_DATA', `Team ${other.id} has had events since this catch: undo those first.`);
    }
    involved.push(other);
  }
  const restored = involved.map((t) => restore(ctx, t));
  for (const t of restored) announce(ctx, 'undo', t, command.reason);
  return ok({ teams: restored.map((t) => teamView(t)) });
};

function restore(ctx: HandlerContext, team: TeamRecord): TeamRecord {
  const period = team.periods.at(-1);
  if (period === undefined) return team;
  const before: TeamStanding = period.before;
  const base: TeamRecord = {
    ...withoutGrace(ctx, team),
    ...before,
    grace: null,
    periods: team.periods.slice(0, -1),
  };
  // The grace timer the event cancelled is armed again, under its own id, if its time is not up yet.
  const back =
    before.grace !== null && before.grace.until > ctx.now
      ? withGraceUntil(ctx, sessionOf(ctx), base, before.grace.until, before.grace.timer)
      : base;
  return ctx.tx.put('team', back);
}

export const correctionAdjust: Handler<'correction.adjust'> = (command, ctx) => {
  const team = correctable(ctx, command.team);
  if (isOutcome(team)) return team;
  const points = team.points + (command.points ?? 0);
  const bounty = team.bounty + (command.bounty ?? 0);
  if (points < 0 || bounty < 0)
    return fail('INVALID', 'Points and bounty cannot go below 0.', { rule: 'non-negative' });
  const adjusted = ctx.tx.put('team', { ...team, points, bounty });
  announce(ctx, 'adjust', adjusted, command.reason);
  return ok(teamView(adjusted));
};

export const correctionEndGrace: Handler<'correction.endGrace'> = (command, ctx) => {
  const team = correctable(ctx, command.team);
  if (isOutcome(team)) return team;
  if (team.grace === null) return fail('BAD_DATA', 'The team is not in a grace period.');
  const ended = ctx.tx.put('team', withoutGrace(ctx, team));
  announce(ctx, 'endGrace', ended, command.reason);
  return ok(teamView(ended));
};

export const correctionNewHand: Handler<'correction.newHand'> = (command, ctx) => {
  const session = sessionOf(ctx);
  const team = correctable(ctx, command.team);
  if (isOutcome(team)) return team;
  if (team.role !== 'Runner') return fail('TEAM_IS_CATCHER', 'Catchers hold no hand.');
  const dealt = ctx.tx.put('team', {
    ...team,
    offers: dealHand(ctx, session, team, topScore(ctx.tx, session.id)),
  });
  announce(ctx, 'newHand', dealt, command.reason);
  return ok(teamView(dealt));
};

export const correctionMove: Handler<'correction.move'> = (command, ctx) => {
  const team = correctable(ctx, command.team);
  if (isOutcome(team)) return team;
  if (ctx.tx.get('zone', command.zone) === undefined) return notFound('zone', command.zone);
  const sector = command.sector ?? null;
  if (sector !== null && ctx.tx.get('sector', sector) === undefined) return notFound('sector', sector);
  const moved = ctx.tx.put('team', { ...team, zoneId: command.zone, sectorId: sector });
  announce(ctx, 'move', moved, command.reason);
  return ok(teamView(moved));
};
