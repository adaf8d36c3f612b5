import type { CommandOf } from '../../protocol/commands/index.js';
import { sessionOf } from '../game/teams.js';
import { ok, type Handler, type HandlerContext } from '../handler.js';

/** What a global step announces on a session's stream. */
export type SessionAnnouncement = CommandOf<'session.announce'>['event'];

/**
 * A global step that changes what a session's players see (a session's name, a player's profile
 * picture) does not broadcast on the session's stream itself: a broadcast is numbered by the part that
 * steps it, and the session's stream is numbered by the session's part, which another node may hold
 * (CLUSTER-22). It asks for `session.announce` in the session's part, which broadcasts the event.
 */
export function announceInSession(ctx: HandlerContext, session: number, event: SessionAnnouncement): void {
  ctx.report({ type: 'session.announce', event }, session);
}

/** Broadcasts a global step's announcement on the session's stream, to everyone there, as it was made. */
export const sessionAnnounce: Handler<'session.announce'> = (command, ctx) => {
  const session = sessionOf(ctx);
  ctx.tx.broadcast({ session: session.id, audience: 'all', event: command.event });
  return ok({ announced: true as const });
};
