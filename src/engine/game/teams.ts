import { resolveGameConfig, type GameConfig, type RgbColour } from '../config/game-config.js';
import { generateHand } from '../generation/generate.js';
import type { Offer } from '../generation/types.js';
import { fail, notFound, type HandlerContext, type Outcome } from '../handler.js';
import { catalogueOf } from '../handlers/catalogue/shared.js';
import { armTimer } from '../handlers/timers.js';
import type { SessionRecord } from '../state.js';
import type { Tx } from '../tx.js';
import type { PeriodContext, PeriodRecord, TeamRecord, TeamStanding } from './types.js';

/** Game rules shared by the game's command handlers. */

export const configOf = (session: SessionRecord): GameConfig => resolveGameConfig(session.config);

export function teamsOf(tx: Tx, session: number): TeamRecord[] {
  return tx.all('team').filter((t) => t.session === session);
}

/** The session of a session-scoped command (the step has checked that it exists). */
export function sessionOf(ctx: HandlerContext): SessionRecord {
  return ctx.tx.get('session', ctx.session as number) as SessionRecord;
}

/** A team of this session, or NOT_FOUND. */
export function findTeam(ctx: HandlerContext, id: number): TeamRecord | Outcome<never> {
  const team = ctx.tx.get('team', id);
  return team === undefined || team.session !== ctx.session ? notFound('team', id) : team;
}

export const isOutcome = (value: object): value is Outcome<never> => 'ok' in value;

/** AUTH-3: a player connection acts only as its own team. Admins and the engine act as any team. */
export function mayActAs(ctx: HandlerContext, team: TeamRecord): Outcome<never> | undefined {
  if (ctx.actor.kind === 'admin' || ctx.actor.kind === 'system') return undefined;
  if (ctx.actor.kind === 'player' && team.players.includes(ctx.actor.player)) return undefined;
  return fail('UNAUTHORISED', 'A player may only act for their own team.');
}

/** The first palette colour no team of the session uses, else black (TEAM-1). */
export function freeColour(config: GameConfig, teams: readonly TeamRecord[]): RgbColour {
  const same = (a: RgbColour, b: RgbColour): boolean => a.r === b.r && a.g === b.g && a.b === b.b;
  return config.teamColours.find((c) => !teams.some((t) => same(t.colour, c))) ?? { r: 0, g: 0, b: 0 };
}

export const standingOf = (team: TeamRecord): TeamStanding => ({
  role: team.role,
  points: team.points,
  bounty: team.bounty,
  zoneId: team.zoneId,
  sectorId: team.sectorId,
  offers: team.offers,
  grace: team.grace,
});

/** The highest score in the session (the underdog bonus's reference, taken before a command's changes). */
export function topScore(tx: Tx, session: number): number {
  return Math.max(0, ...teamsOf(tx, session).map((t) => t.points));
}

/**
 * Deals a team a new hand for its current zone and sector (HAND-2). Challenges it completed are never
 * dealt again; offers it passed over count as seen. `top` absent = no underdog bonus (game start).
 */
export function dealHand(
  ctx: HandlerContext,
  session: SessionRecord,
  team: TeamRecord,
  top?: number,
): Offer[] {
  if (team.zoneId === null) return [];
  const completed: number[] = [];
  const seen: number[] = [];
  for (const period of team.periods) {
    const c = period.context;
    if (c.type === 'completed') completed.push(c.challengeId);
    if (c.type !== 'catcher') seen.push(...c.notCompleted.map((o) => o.challengeId));
  }
  const result = generateHand({
    catalogue: catalogueOf(ctx.tx),
    config: configOf(session),
    team: {
      zoneId: team.zoneId,
      sectorId: team.sectorId,
      points: team.points,
      completedChallengeIds: completed,
      seenChallengeIds: seen,
    },
    ...(top === undefined ? {} : { topScore: top }),
    now: ctx.now,
    timeZone: session.timeZone,
    rng: ctx.rng,
  });
  return result.offers;
}

/**
 * Appends a period (the team's current location becomes a trail point and the period's place), keeping
 * how the team stood before so that the event can be undone (CORRECTION-2).
 */
export function withPeriod(
  ctx: HandlerContext,
  team: TeamRecord,
  context: PeriodContext,
  before: TeamStanding,
): TeamRecord {
  const location =
    team.location === null ? null : { lat: team.location.lat, lon: team.location.lon, timestamp: ctx.now };
  if (location !== null)
    ctx.tx.put('trackPoint', { id: ctx.tx.newIdIn('trackPoint', team.session), team: team.id, ...location });
  const period: PeriodRecord = {
    index: team.periods.length,
    context,
    endedAt: ctx.now,
    location,
    pictures: [],
    before,
  };
  return { ...team, periods: [...team.periods, period], lastTrackPoint: location ?? team.lastTrackPoint };
}

/** Starts a grace period: a durable timer on the session's game clock ends it (GRACE-1). */
export function startGrace(ctx: HandlerContext, session: SessionRecord, team: TeamRecord): TeamRecord {
  return withGraceUntil(ctx, session, team, ctx.now + configOf(session).gracePeriodMinutes * 60_000);
}

/**
 * A grace period that ends at `until` (epoch ms). It replaces any older grace of the team, whose timer is
 * cancelled so that it cannot end the new one early (GRACE-5). `timerId` re-arms a cancelled grace
 * timer under its own id (an undo puts the team back exactly, CORRECTION-2).
 */
export function withGraceUntil(
  ctx: HandlerContext,
  session: SessionRecord,
  team: TeamRecord,
  until: number,
  timerId?: number,
): TeamRecord {
  if (team.grace !== null) ctx.tx.delete('timer', team.grace.timer);
  const timer = armTimer(
    ctx,
    { dueAt: until, session: session.id, command: { type: 'grace.end', team: team.id } },
    timerId,
  );
  return { ...team, grace: { until, timer: timer.id } };
}

/** Ends a grace period now: its timer is cancelled (deleted), so it can never fire late. */
export function withoutGrace(ctx: HandlerContext, team: TeamRecord): TeamRecord {
  if (team.grace === null) return team;
  ctx.tx.delete('timer', team.grace.timer);
  ctx.tx.broadcast({ session: team.session, audience: 'all', event: { type: 'grace.ended', team: team.id } });
  return { ...team, grace: null };
}

/** LOCK-1: teams, membership and config are locked while the session's game runs. */
export function refuseWhileRunning(session: SessionRecord, what: string): Outcome<never> | undefined {
  return session.game === null
    ? undefined
    : fail('GAME_IN_PROGRESS', `${what} is locked while the game runs.`);
}
