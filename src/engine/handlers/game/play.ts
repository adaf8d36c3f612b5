import {
  configOf,
  dealHand,
  findTeam,
  isOutcome,
  mayActAs,
  sessionOf,
  standingOf,
  startGrace,
  topScore,
  withoutGrace,
  withPeriod,
} from '../../game/teams.js';
import type { TeamRecord } from '../../game/types.js';
import { teamView } from '../../game/views.js';
import { fail, notFound, ok, type Handler, type HandlerContext, type Outcome } from '../../handler.js';
import type { ResultOf } from '../../../protocol/commands/index.js';
import type { SessionRecord } from '../../state.js';
import { catchEvidenceRefusal, overrideRefusal, recordCatcherPosition } from './catch-evidence.js';
import { dropRefusals } from './catch-refusals.js';

/**
 * A team cannot complete within this long of its previous completion, on real timestamps (COMPLETE-3).
 * Catches do not count: blocking a completion right after a catch is a reference quirk not to copy.
 */
export const TOO_RAPID_MS = 30_000;

function runningGame(ctx: HandlerContext): SessionRecord | Outcome<never> {
  const session = sessionOf(ctx);
  if (session.game === null) return fail('GAME_NOT_RUNNING', 'No game is running.');
  if (session.clockPausedAt !== null) return fail('GAME_PAUSED', 'The game is paused.');
  return session;
}

function checkPeriod(team: TeamRecord, periodId: number): Outcome<never> | undefined {
  if (periodId === team.periods.length) return undefined;
  return fail(
    'BAD_DATA',
    `period_id ${periodId} is invalid, should be ${team.periods.length}: refresh the state.`,
    {
      field: 'periodId',
    },
  );
}

/** Complete (COMPLETE-1 to COMPLETE-5): checks in the reference's order, then its effects. */
export const complete: Handler<'complete'> = (command, ctx) => {
  const session = runningGame(ctx);
  if (isOutcome(session)) return session;
  const team = findTeam(ctx, command.team);
  if (isOutcome(team)) return team;
  const refused = mayActAs(ctx, team) ?? checkPeriod(team, command.periodId);
  if (refused) return refused;
  const last = team.periods.findLast((p) => p.context.type === 'completed');
  if (last !== undefined && Math.abs(ctx.now - last.endedAt) <= TOO_RAPID_MS) {
    return fail('TOO_RAPID', 'Too soon after the team’s previous completion (30 s).');
  }
  const offer = team.offers.find((o) => o.challengeId === command.challenge);
  if (offer === undefined) return notFound('challenge in the team’s hand', command.challenge);
  const top = topScore(ctx.tx, session.id);
  const before = standingOf(team);
  let next: TeamRecord = withoutGrace(ctx, team);
  next = {
    ...next,
    points: next.points + offer.points,
    bounty: next.bounty + Math.floor(offer.points * configOf(session).bountyPercentage),
  };
  const notCompleted = team.offers.filter((o) => o.challengeId !== offer.challengeId);
  next = withPeriod(
    ctx,
    next,
    {
      type: 'completed',
      challengeId: offer.challengeId,
      title: offer.title,
      description: offer.description,
      zoneId: offer.zoneId,
      points: offer.points,
      notCompleted,
    },
    before,
  );
  if (offer.zoneId !== null) next = { ...next, zoneId: offer.zoneId };
  next = { ...next, sectorId: offer.sectorId };
  next = ctx.tx.put('team', { ...next, offers: dealHand(ctx, session, next, top) });
  const period = next.periods.length - 1;
  ctx.tx.broadcast({
    session: session.id,
    audience: 'all',
    event: { type: 'completed', team: teamView(next, false), offer, period },
  });
  return ok({ period, team: teamView(next) });
};

/** Catch (CATCH-1 to CATCH-6): the teams swap roles, the bounty moves. */
export const catchTeam: Handler<'catch'> = (command, ctx) => {
  const session = runningGame(ctx);
  if (isOutcome(session)) return session;
  if (command.catcher === command.caught) return fail('BAD_DATA', 'A team cannot catch itself.');
  const catcher = findTeam(ctx, command.catcher);
  if (isOutcome(catcher)) return catcher;
  const refused =
    mayActAs(ctx, catcher) ?? overrideRefusal(ctx, command) ?? checkPeriod(catcher, command.periodId);
  if (refused) return refused;
  if (catcher.role !== 'Catcher')
    return fail('TEAM_IS_RUNNER', `Team ${catcher.id} is a runner.`, { entity: 'team', id: catcher.id });
  const caught = findTeam(ctx, command.caught);
  if (isOutcome(caught)) return caught;
  if (caught.role !== 'Runner')
    return fail('TEAM_IS_CATCHER', `Team ${caught.id} is a catcher.`, { entity: 'team', id: caught.id });
  if (caught.grace !== null)
    return fail('TEAM_IN_GRACE_PERIOD', `Team ${caught.id} is in its grace period.`, {
      entity: 'team',
      id: caught.id,
    });
  const unproven =
    catchEvidenceRefusal(ctx, session, command, catcher, caught) ?? recordCatcherPosition(ctx, command);
  if (unproven) return unproven;
  // The position sent with the catch may have become the catcher team's location: read the team again.
  return applyCatch(ctx, session, ctx.tx.get('team', catcher.id) as TeamRecord, caught);
};

/** The catch's effects (CATCH-3 to CATCH-5). */
function applyCatch(
  ctx: HandlerContext,
  session: SessionRecord,
  catcher: TeamRecord,
  caught: TeamRecord,
): Outcome<ResultOf<'catch'>> {
  const top = topScore(ctx.tx, session.id);
  const bounty = caught.bounty;
  const catcherPeriod = catcher.periods.length;
  const caughtPeriod = caught.periods.length;
  let loser = withPeriod(
    ctx,
    withoutGrace(ctx, caught),
    { type: 'caught', catcherTeam: catcher.id, bounty, notCompleted: caught.offers, catcherPeriod },
    standingOf(caught),
  );
  loser = ctx.tx.put('team', { ...loser, offers: [], role: 'Catcher', bounty: 0 });
  let winner: TeamRecord = {
    ...catcher,
    points: catcher.points + bounty,
    zoneId: caught.zoneId,
    sectorId: caught.sectorId,
    bounty: 0,
  };
  winner = { ...winner, offers: dealHand(ctx, session, winner, top), role: 'Runner' };
  winner = withPeriod(
    ctx,
    startGrace(ctx, session, winner),
    { type: 'catcher', caughtTeam: caught.id, bounty, caughtPeriod },
    standingOf(catcher),
  );
  winner = ctx.tx.put('team', winner);
  dropRefusals(ctx, session.id, [catcher.id, caught.id]);
  ctx.tx.broadcast({
    session: session.id,
    audience: 'all',
    event: {
      type: 'caught',
      catcher: teamView(winner, false),
      caught: teamView(loser, false),
      bounty,
      catcherPeriod,
      caughtPeriod,
    },
  });
  return ok({ period: catcherPeriod, team: teamView(winner) });
}

/** A grace period ran out: the team is visible and catchable again, and everyone is told (GRACE-4). */
export const graceEnd: Handler<'grace.end'> = (command, ctx) => {
  const team = ctx.tx.get('team', command.team);
  if (team === undefined || team.grace === null) return ok({ ended: false });
  ctx.tx.put('team', { ...team, grace: null });
  ctx.tx.broadcast({ session: team.session, audience: 'all', event: { type: 'grace.ended', team: team.id } });
  return ok({ ended: true });
};
