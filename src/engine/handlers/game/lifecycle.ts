import { authorOf } from '../../authors.js';
import { isPlayableStatus } from '../../catalogue/types.js';
import { configOf, dealHand, sessionOf, teamsOf, withoutGrace } from '../../game/teams.js';
import { gameDayOf, RESTART_WINDOW_MS } from '../../game/game-day.js';
import type { GameRecord, PastGameRecord, TeamRecord } from '../../game/types.js';
import { eventsOf, teamView } from '../../game/views.js';
import { fail, notFound, ok, type Handler, type HandlerContext, type Outcome } from '../../handler.js';
import type { SessionRecord } from '../../state.js';
import { isTimeZone, localClockText, localDateText } from '../../time-zone.js';
import { playerViewIn, sessionView } from '../../views.js';
import { unknownTimeZone } from '../sessions.js';
import { armTimer } from '../timers.js';
import { locationVisible } from './teams.js';
import { armRetention } from '../privacy.js';
import { dropRefusals } from './catch-refusals.js';
import { announceInSession } from '../session-announce.js';

const gameView = (
  game: GameRecord,
  session: SessionRecord,
): { id: number; name: string; startedAt: number; endsAt: number; pausedAt: number | null } => ({
  id: game.id,
  name: game.name,
  startedAt: game.startedAt,
  endsAt: game.endsAt,
  pausedAt: session.clockPausedAt,
});

/** The running game with, for admins only, who started it and its corrections (AUTH-7). */
const sessionGameView = (game: GameRecord, session: SessionRecord, ctx: HandlerContext) =>
  ctx.actor.kind === 'admin'
    ? {
        ...gameView(game, session),
        startedBy: game.startedBy ?? { kind: 'owner' as const },
        corrections: [...(game.corrections ?? [])],
      }
    : gameView(game, session);

/** The course of the session's last ended game (AUTH-7), for admins while no game runs. */
function lastGameView(ctx: HandlerContext, session: SessionRecord) {
  if (ctx.actor.kind !== 'admin' || session.game !== null) return {};
  const past = ctx.tx
    .all('pastGame')
    .filter((p) => p.session === session.id)
    .reduce<PastGameRecord | undefined>(
      (last, p) => (last === undefined || p.id > last.id ? p : last),
      undefined,
    );
  if (past === undefined) return { lastGame: null };
  const owner = { kind: 'owner' as const };
  return {
    lastGame: {
      id: past.id,
      startedAt: past.startedAt,
      endedAt: past.endedAt,
      startedBy: past.startedBy ?? owner,
      endedBy: past.endedBy ?? owner,
      corrections: [...(past.corrections ?? [])],
    },
  };
}

export const sessionState: Handler<'session.state'> = (_command, ctx) => {
  const session = sessionOf(ctx);
  const teams = teamsOf(ctx.tx, session.id);
  const stream = String(session.id);
  return ok({
    session: sessionView(session),
    game: session.game === null ? null : sessionGameView(session.game, session, ctx),
    ...lastGameView(ctx, session),
    teams: teams.map((t) => teamView(t, locationVisible(ctx, t))),
    players: ctx.tx
      .all('player')
      .filter((p) => p.session === session.id)
      .map((p) => playerViewIn(ctx.tx, p)),
    events: eventsOf(teams),
    seq: { global: ctx.tx.base.streams.get('global') ?? 0, [stream]: ctx.tx.base.streams.get(stream) ?? 0 },
  });
};

export const sessionEdit: Handler<'session.edit'> = (command, ctx) => {
  const session = sessionOf(ctx);
  if (session.game !== null) return fail('GAME_IN_PROGRESS', 'The session is locked while its game runs.');
  if (command.name !== undefined) {
    const key = command.name.toLowerCase();
    if (ctx.tx.find('session', (s) => s.id !== session.id && s.name.toLowerCase() === key) !== undefined) {
      return fail('ALREADY_EXISTS', `A session named "${command.name}" already exists.`, { field: 'name' });
    }
  }
  if (command.timeZone !== undefined && !isTimeZone(command.timeZone))
    return unknownTimeZone(command.timeZone);
  const changed = ctx.tx.put('session', {
    ...session,
    name: command.name ?? session.name,
    mode: command.mode ?? session.mode,
    timeZone: command.timeZone ?? session.timeZone,
  });
  announceInSession(ctx, session.id, { type: 'session.changed', session: sessionView(changed) });
  return ok(sessionView(changed));
};

/**
 * Start (START-1 to START-4): checks in the reference's order, then catchers drawn with the
 * seeded RNG, every team reset, runners dealt hands without underdog bonus, and the end alarm armed
 * at the end of the game day in the session's zone (START-5: a start soon after the end time is refused).
 */
export const gameStart: Handler<'game.start'> = (_command, ctx) => {
  const session = sessionOf(ctx);
  const checked = startChecks(ctx, session);
  if (checked.ok !== true) return checked;
  const { endsAt, startZone } = checked.result;
  const teams = teamsOf(ctx.tx, session.id);
  const config = configOf(session);
  const catchers = new Set(ctx.rng.shuffle(teams.map((t) => t.id)).slice(0, config.numCatchers));
  const started: TeamRecord[] = [];
  for (const team of teams) {
    for (const point of ctx.tx.all('trackPoint'))
      if (point.team === team.id) ctx.tx.delete('trackPoint', point.id);
    const reset: TeamRecord = {
      ...withoutGrace(ctx, team),
      role: catchers.has(team.id) ? 'Catcher' : 'Runner',
      points: catchers.has(team.id) ? config.bountyStartPoints : 0,
      bounty: 0,
      zoneId: startZone,
      sectorId: null,
      location: null,
      lastTrackPoint: null,
      offers: [],
      periods: [],
    };
    started.push(
      ctx.tx.put(
        'team',
        reset.role === 'Runner' ? { ...reset, offers: dealHand(ctx, session, reset) } : reset,
      ),
    );
  }
  const id = session.gamesPlayed + 1;
  const by = authorOf(ctx.tx, ctx.actor);
  const timer = armTimer(ctx, {
    dueAt: endsAt,
    session: session.id,
    command: { type: 'game.end', game: id },
  });
  const game: GameRecord = {
    id,
    name: `${session.name} am ${localDateText(ctx.now, session.timeZone)}`,
    startedAt: ctx.now,
    endsAt,
    endTimer: timer.id,
    startedBy: by,
    corrections: [],
  };
  const saved = ctx.tx.put('session', { ...session, game, gamesPlayed: id });
  const views = started.map((t) => teamView(t, false));
  ctx.tx.broadcast({
    session: session.id,
    audience: 'all',
    event: { type: 'game.started', game: gameView(game, saved), teams: views, by },
  });
  return ok({ game: gameView(game, saved), teams: started.map((t) => teamView(t)) });
};

function startChecks(
  ctx: HandlerContext,
  session: SessionRecord,
): Outcome<{ endsAt: number; startZone: number }> {
  if (session.game !== null) return fail('GAME_IN_PROGRESS', 'A game is already running.');
  const config = configOf(session);
  const playable = ctx.tx.all('challenge').filter((c) => isPlayableStatus(c.status));
  if (playable.length < config.numChallenges) {
    return fail(
      'TOO_FEW_CHALLENGES',
      `Only ${playable.length} playable challenges for hands of ${config.numChallenges}.`,
    );
  }
  const zones = ctx.tx.all('zone');
  if (!zones.some((z) => z.number === config.centreZone)) return notFound('centre zone', config.centreZone);
  const start = zones.find((z) => z.number === config.startZone);
  if (start === undefined) return notFound('start zone', config.startZone);
  const missingSet = config.challengeSets.find((id) => ctx.tx.get('challengeSet', id) === undefined);
  if (missingSet !== undefined) return notFound('challenge set', missingSet);
  const teams = teamsOf(ctx.tx, session.id).length;
  if (config.numCatchers >= teams) {
    return fail(
      'BAD_DATA',
      `Cannot start a game with ${config.numCatchers} catchers when there are only ${teams} teams.`,
    );
  }
  const day = gameDayOf(ctx.now, config.endTime, session.timeZone);
  if (!day.ok) {
    const at = (ms: number): string => localClockText(ms, session.timeZone);
    return fail(
      'BAD_DATA',
      `The game day ended at ${at(day.endedAt)}: a start within ${RESTART_WINDOW_MS / 3_600_000} hours ` +
        'after the end time is refused ' +
        `(a start after ${at(day.startsAfter)} begins the next game day; or change endTime).`,
      { rule: 'start-after-end', field: 'endTime' },
    );
  }
  return ok({ endsAt: day.endsAt, startZone: start.id });
}

export const gameStop: Handler<'game.stop'> = (_command, ctx) => {
  const session = sessionOf(ctx);
  if (session.game === null) return fail('GAME_NOT_RUNNING', 'No game is running.');
  return ok({ pastGame: endGame(ctx, session, session.game, 'stopped') });
};

/** The end alarm: acts only on the game it was armed for (a stale alarm does nothing). */
export const gameEnd: Handler<'game.end'> = (command, ctx) => {
  const session = sessionOf(ctx);
  if (session.game?.id !== command.game) return ok({ pastGame: null });
  return ok({ pastGame: endGame(ctx, session, session.game, 'time') });
};

/**
 * Stop (STOP-3, PAST-1): the game is archived with real team ids, full timestamps, its
 * session, every period, trail and grace end; the end alarm and every grace timer are cancelled; teams
 * keep their final standings until the next start. Returns the past game's id.
 */
function endGame(
  ctx: HandlerContext,
  session: SessionRecord,
  game: GameRecord,
  reason: 'stopped' | 'time',
): number {
  ctx.tx.delete('timer', game.endTimer);
  // Archived as they stand, grace end included (PAST-1); then every grace timer is cancelled.
  const teams = teamsOf(ctx.tx, session.id);
  for (const t of teams) ctx.tx.put('team', withoutGrace(ctx, t));
  const points = ctx.tx.all('trackPoint');
  const endedBy = authorOf(ctx.tx, ctx.actor);
  const past: PastGameRecord = {
    id: ctx.tx.newIdIn('pastGame', session.id),
    session: session.id,
    name: game.name,
    mode: session.mode,
    startedAt: game.startedAt,
    endedAt: ctx.now,
    game: game.id,
    // Games started before authors were recorded were started by the owner, the only admin then.
    startedBy: game.startedBy ?? { kind: 'owner' },
    endedBy,
    corrections: game.corrections ?? [],
    teams: teams.map((t) => ({
      ...t,
      track: points
        .filter((p) => p.team === t.id)
        .map(({ lat, lon, timestamp }) => ({ lat, lon, timestamp })),
    })),
  };
  ctx.tx.put('pastGame', past);
  armRetention(ctx, session, past);
  // Refused catches matter only while their game runs (CATCH-7).
  dropRefusals(ctx, session.id);
  // The players' last reports are forgotten with the game (LOCATION-6): the session's own records.
  for (const position of ctx.tx.all('position'))
    if (position.session === session.id) ctx.tx.delete('position', position.id);
  const saved = ctx.tx.put('session', { ...session, game: null });
  ctx.tx.broadcast({
    session: session.id,
    audience: 'all',
    event: {
      type: 'game.ended',
      game: gameView(game, saved),
      pastGame: past.id,
      reason,
      by: endedBy,
    },
  });
  return past.id;
}
