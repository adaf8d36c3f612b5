import type { CatchRefusal } from '../../../protocol/catch-refusals.js';
import type { CatchEvidenceProblem } from '../../../protocol/catch-evidence.js';
import type { CommandOf } from '../../../protocol/commands/index.js';
import { sessionOf } from '../../game/teams.js';
import { ok, type Handler, type HandlerContext } from '../../handler.js';
import type { CatchRefusalRecord, SessionRecord } from '../../state.js';

/**
 * A catch the evidence check refused is reported to the game masters (CATCH-7): the refused step itself
 * changes nothing (DURABILITY-2); it asks the runtime to run `catch.refused` after it, which records it.
 */
export function reportRefusedCatch(
  ctx: HandlerContext,
  session: SessionRecord,
  command: CommandOf<'catch'>,
  problem: CatchEvidenceProblem,
  maxAgeMinutes: number,
): void {
  const { code } = problem;
  const reason =
    problem.code === 'TEAMS_TOO_FAR'
      ? { code, metres: problem.metres }
      : 'ageMs' in problem
        ? { code, ageMs: problem.ageMs }
        : { code };
  const by = ctx.actor.kind === 'player' ? ctx.actor.player : null;
  const report = {
    type: 'catch.refused',
    catcher: command.catcher,
    caught: command.caught,
    by,
    reason,
  } as const;
  ctx.report({ ...report, maxAgeMinutes }, session.id);
}

/** Records a refused catch and tells the game masters, and only them (CATCH-7). */
export const catchRefused: Handler<'catch.refused'> = (command, ctx) => {
  const session = sessionOf(ctx);
  const { catcher, caught, by, reason, maxAgeMinutes } = command;
  const id = ctx.tx.newIdIn('catchRefusal', session.id);
  const refusal: CatchRefusal = { id, at: ctx.now, catcher, caught, by, reason, maxAgeMinutes };
  ctx.tx.put('catchRefusal', { ...refusal, session: session.id });
  ctx.tx.broadcast({ session: session.id, audience: 'admins', event: { type: 'catch.refused', refusal } });
  return ok(refusal);
};

/** The session's refused catches on record, oldest first (CATCH-7). */
export const catchRefusals: Handler<'catch.refusals'> = (_command, ctx) => {
  const session = sessionOf(ctx);
  return ok(refusalsOf(ctx, session.id).map(viewOf));
};

/**
 * Drops the session's refused catches that involve one of `teams` (a catch between them settles them), or
 * all of them when `teams` is undefined (the game ended): CATCH-7.
 */
export function dropRefusals(ctx: HandlerContext, session: number, teams?: readonly number[]): void {
  for (const refusal of refusalsOf(ctx, session)) {
    const involved = teams === undefined || teams.includes(refusal.catcher) || teams.includes(refusal.caught);
    if (involved) ctx.tx.delete('catchRefusal', refusal.id);
  }
}

function refusalsOf(ctx: HandlerContext, session: number): CatchRefusalRecord[] {
  return ctx.tx.all('catchRefusal').filter((r) => r.session === session);
}

function viewOf({ session: _session, ...refusal }: CatchRefusalRecord): CatchRefusal {
  return refusal;
}
