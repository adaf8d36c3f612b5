import { fail, notFound, ok, type Handler, type HandlerContext } from '../handler.js';
import type { SessionRecord, TimerRecord } from '../state.js';

/**
 * A durable timer fell due. The record is deleted and its command runs in the same step. A timer that
 * was cancelled (its record deleted) or already fired is unknown here and is ignored: stale fires do
 * nothing (issue 3).
 */
export const timerFire: Handler<'timer.fire'> = (command, ctx) => {
  const timer = ctx.tx.get('timer', command.timer);
  if (timer === undefined || timer.pausedRemainingMs !== null || timer.dueAt > ctx.now) {
    return ok({ fired: false });
  }
  ctx.tx.delete('timer', timer.id);
  if (timer.session !== null && ctx.tx.get('session', timer.session) === undefined)
    return ok({ fired: false });
  const outcome = ctx.run(timer.command, timer.session ?? undefined);
  // A refused timer command still consumes the timer, so it cannot fire forever.
  return ok({ fired: outcome.ok === true });
};

/**
 * Arms a durable timer: writing the record is all it takes (the runtime watches the table). A timer on a
 * session whose game clock is paused starts paused, with the time it has left. `id` re-arms a cancelled
 * timer under its own id (an exact undo, CORRECTION-2); new timers get a fresh id.
 */
export function armTimer(
  ctx: HandlerContext,
  timer: Omit<TimerRecord, 'id' | 'pausedRemainingMs'>,
  id: number = ctx.tx.newIdIn('timer', timer.session),
): TimerRecord {
  const paused =
    timer.session !== null &&
    timer.wallClock !== true &&
    ctx.tx.get('session', timer.session)?.clockPausedAt != null;
  return ctx.tx.put('timer', {
    ...timer,
    id,
    pausedRemainingMs: paused ? Math.max(0, timer.dueAt - ctx.now) : null,
  });
}

/** Pauses every timer on a session's game clock, keeping the time each had left. */
export function pauseSessionTimers(ctx: HandlerContext, session: number): void {
  for (const timer of ctx.tx.all('timer')) {
    if (timer.session !== session || timer.wallClock === true || timer.pausedRemainingMs !== null) continue;
    ctx.tx.put('timer', { ...timer, pausedRemainingMs: Math.max(0, timer.dueAt - ctx.now) });
  }
}

/** Resumes a session's paused timers: each falls due after the time it had left, shifted by the pause. */
export function resumeSessionTimers(ctx: HandlerContext, session: number): void {
  for (const timer of ctx.tx.all('timer')) {
    if (timer.session !== session || timer.pausedRemainingMs === null) continue;
    ctx.tx.put('timer', { ...timer, dueAt: ctx.now + timer.pausedRemainingMs, pausedRemainingMs: null });
  }
}

export const announcementSchedule: Handler<'announcement.schedule'> = (command, ctx) => {
  const session = ctx.session as number;
  const timer = armTimer(ctx, {
    dueAt: command.at,
    session,
    command: { type: 'announcement.deliver', text: command.text },
  });
  // Scheduled while the clock is paused: it waits with the rest of the session's timers.
  if (ctx.tx.get('session', session)?.clockPausedAt != null) pauseSessionTimers(ctx, session);
  return ok({
    id: timer.id,
    text: command.text,
    at: ctx.tx.get('timer', timer.id)?.pausedRemainingMs == null ? timer.dueAt : null,
  });
};

export const announcementCancel: Handler<'announcement.cancel'> = (command, ctx) => {
  const timer = ctx.tx.get('timer', command.id);
  if (timer === undefined || timer.session !== ctx.session || timer.command.type !== 'announcement.deliver') {
    return notFound('announcement', command.id);
  }
  ctx.tx.delete('timer', timer.id);
  return ok({ cancelled: true as const });
};

export const announcementList: Handler<'announcement.list'> = (_command, ctx) =>
  ok(
    ctx.tx
      .all('timer')
      .filter((t) => t.session === ctx.session && t.command.type === 'announcement.deliver')
      .sort((a, b) => a.dueAt - b.dueAt)
      .map((t) => ({
        id: t.id,
        text: t.command.type === 'announcement.deliver' ? t.command.text : '',
        at: t.pausedRemainingMs === null ? t.dueAt : null,
      })),
  );

export const announcementDeliver: Handler<'announcement.deliver'> = (command, ctx) => {
  if (ctx.session === undefined) return fail('NO_SESSION_SUPPLIED');
  ctx.tx.broadcast({
    session: ctx.session,
    audience: 'all',
    event: { type: 'announcement', text: command.text },
  });
  return ok({ delivered: true as const });
};

export const clockPause: Handler<'clock.pause'> = (_command, ctx) => {
  const session = ctx.tx.get('session', ctx.session as number);
  if (session === undefined) return notFound('session', ctx.session as number);
  if (session.clockPausedAt !== null) return fail('GAME_PAUSED', 'The clock is already paused.');
  ctx.tx.put('session', { ...session, clockPausedAt: ctx.now });
  pauseSessionTimers(ctx, session.id);
  ctx.tx.broadcast({ session: session.id, audience: 'all', event: { type: 'clock.paused', at: ctx.now } });
  return ok({ pausedAt: ctx.now });
};

export const clockResume: Handler<'clock.resume'> = (_command, ctx) => {
  const session = ctx.tx.get('session', ctx.session as number);
  if (session === undefined) return notFound('session', ctx.session as number);
  if (session.clockPausedAt === null) return fail('BAD_DATA', 'The clock is not paused.');
  const pausedMs = ctx.now - session.clockPausedAt;
  resumeSessionTimers(ctx, session.id);
  ctx.tx.put('session', followTimers(ctx, { ...session, clockPausedAt: null }));
  ctx.tx.broadcast({
    session: session.id,
    audience: 'all',
    event: { type: 'clock.resumed', at: ctx.now, pausedMs },
  });
  return ok({ pausedMs });
};

/**
 * After a resume, the times shown for the session's timers move with them (by the pause): the game's end
 * and every grace end. Returns the session with its game's new end; the teams are written here.
 */
function followTimers(ctx: HandlerContext, session: SessionRecord): SessionRecord {
  const dueAt = (id: number): number | undefined => ctx.tx.get('timer', id)?.dueAt;
  for (const team of ctx.tx.all('team')) {
    if (team.session !== session.id || team.grace === null) continue;
    const until = dueAt(team.grace.timer);
    if (until !== undefined && until !== team.grace.until)
      ctx.tx.put('team', { ...team, grace: { ...team.grace, until } });
  }
  const endsAt = session.game === null ? undefined : dueAt(session.game.endTimer);
  return session.game === null || endsAt === undefined
    ? session
    : { ...session, game: { ...session.game, endsAt } };
}
