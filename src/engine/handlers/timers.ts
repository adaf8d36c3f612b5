import { fail, notFound, ok, type Handler, type HandlerContext } from '../handler.js';
import type { TimerRecord } from '../state.js';

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

/** Arms a durable timer: writing the record is all it takes (the runtime watches the table). */
export function armTimer(
  ctx: HandlerContext,
  timer: Omit<TimerRecord, 'id' | 'pausedRemainingMs'>,
): TimerRecord {
  return ctx.tx.put('timer', { ...timer, id: ctx.tx.newId('timer'), pausedRemainingMs: null });
}

/** Pauses every timer on a session's game clock, keeping the time each had left. */
export function pauseSessionTimers(ctx: HandlerContext, session: number): void {
  for (const timer of ctx.tx.all('timer')) {
    if (timer.session !== session || timer.pausedRemainingMs !== null) continue;
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
  return ok({ id: timer.id, text: command.text, at: timer.dueAt });
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
