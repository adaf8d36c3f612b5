import type { CommandOf } from '../../../protocol/commands/index.js';
import {
  CATCH_RADIUS_M,
  catchEvidenceProblem,
  type CatchEvidenceProblem,
  type TimedPosition,
} from '../../../protocol/catch-evidence.js';
import { configOf } from '../../game/teams.js';
import type { TeamRecord } from '../../game/types.js';
import { fail, type HandlerContext, type Outcome } from '../../handler.js';
import type { SessionRecord } from '../../state.js';
import { reportRefusedCatch } from './catch-refusals.js';

const MINUTE_MS = 60_000;

/**
 * The catch evidence check (CATCH-6): refuses a catch whose positions are missing, too old or more than
 * 300 m apart, and reports the refusal to the game masters (CATCH-7). Only a game master may skip it, with
 * `override: true`; the journal keeps the command, so the override stays on record.
 */
export function catchEvidenceRefusal(
  ctx: HandlerContext,
  session: SessionRecord,
  command: CommandOf<'catch'>,
  catcher: TeamRecord,
  caught: TeamRecord,
): Outcome<never> | undefined {
  if (command.override === true) return undefined;
  const maxAgeMinutes = configOf(session).catchLocationMaxAgeMinutes;
  const problem = catchEvidenceProblem({
    catcher: catcherPosition(ctx, command, catcher),
    caught: caught.location,
    now: ctx.now,
    maxAgeMinutes,
  });
  if (problem === undefined) return undefined;
  reportRefusedCatch(ctx, session, command, problem, maxAgeMinutes);
  return refusal(problem, caught, maxAgeMinutes);
}

/** Only a game master may override the evidence check (CATCH-6). */
export function overrideRefusal(
  ctx: HandlerContext,
  command: CommandOf<'catch'>,
): Outcome<never> | undefined {
  if (command.override !== true || ctx.actor.kind !== 'player') return undefined;
  return fail('UNAUTHORISED', 'Only a game master may override the catch’s position check.', {
    field: 'override',
  });
}

/**
 * Where the catcher is: a player must send its position with the catch; a game master may send one for
 * the catcher or rely on the catcher team's latest location.
 */
function catcherPosition(
  ctx: HandlerContext,
  command: CommandOf<'catch'>,
  catcher: TeamRecord,
): TimedPosition | null {
  if (command.position !== undefined) return command.position;
  return ctx.actor.kind === 'player' ? null : catcher.location;
}

/** The problem as an error a player can act on. */
function refusal(problem: CatchEvidenceProblem, caught: TeamRecord, maxAgeMinutes: number): Outcome<never> {
  const target = { entity: 'team', id: caught.id };
  // Rounded up: a refused age or distance is always shown above its limit.
  const minutes = (ageMs: number): number => Math.ceil(ageMs / MINUTE_MS);
  switch (problem.code) {
    case 'CATCHER_LOCATION_MISSING':
      return fail(problem.code, undefined, { field: 'position' });
    case 'CATCHER_LOCATION_STALE':
      return fail(
        problem.code,
        `The catcher’s position is ${minutes(problem.ageMs)} min old (at most ${maxAgeMinutes} min): ` +
          'wait for a fresh GPS fix and try again.',
        { field: 'position', ageMs: problem.ageMs, maxAgeMinutes },
      );
    case 'TARGET_LOCATION_MISSING':
      return fail(
        problem.code,
        `${caught.name} has sent no location yet: have the runners open their app, or ask the game master.`,
        target,
      );
    case 'TARGET_LOCATION_STALE':
      return fail(
        problem.code,
        `${caught.name}’s latest location is ${minutes(problem.ageMs)} min old (at most ${maxAgeMinutes} ` +
          'min): have the runners open their app, or ask the game master.',
        { ...target, ageMs: problem.ageMs, maxAgeMinutes },
      );
    case 'TEAMS_TOO_FAR':
      return fail(
        problem.code,
        `The teams are ${Math.ceil(problem.metres)} m apart (at most ${CATCH_RADIUS_M} m).`,
        { ...target, metres: problem.metres, maxMetres: CATCH_RADIUS_M },
      );
  }
}

/**
 * A player's position sent with an accepted catch is also a location report of its phone: it goes through
 * the ordinary intake (LOCATION-2 to LOCATION-5), so it becomes the catcher team's location (and the place
 * of its new period, PERIOD-4) only when a report would. A game master's is evidence only: it comes from
 * no phone.
 */
export function recordCatcherPosition(
  ctx: HandlerContext,
  command: CommandOf<'catch'>,
): Outcome<never> | undefined {
  if (command.position === undefined || ctx.actor.kind !== 'player') return undefined;
  const outcome = ctx.run({ type: 'location.send', location: command.position }, ctx.session);
  return outcome.ok === false ? outcome : undefined;
}
