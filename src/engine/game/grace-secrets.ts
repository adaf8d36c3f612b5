import type { HandlerContext } from '../handler.js';
import { sessionOf, teamsOf } from './teams.js';
import type { TeamRecord } from './types.js';

/**
 * Grace stays secret (VISIBILITY-4): a position a team reports during its grace is hidden from the teams
 * that are catchers at that moment, and stays hidden from them — also once they run again — until the
 * game ends. The teams are recorded with the position (its broadcast's audience, its trail point, the
 * team's current location), so no later read needs to know who was a catcher when.
 */
export function hiddenFromNow(ctx: HandlerContext, team: TeamRecord): readonly number[] {
  if (team.grace === null) return NONE;
  return teamsOf(ctx.tx, team.session)
    .filter((t) => t.role === 'Catcher')
    .map((t) => t.id);
}

/**
 * The team whose reads leave out what was hidden from it: a player connection's team while the session's
 * game runs. Undefined when nothing is hidden: game masters, players in no team, and everyone once the
 * game has ended (the archive shows everything).
 */
export function readerTeam(ctx: HandlerContext): number | undefined {
  if (ctx.actor.kind !== 'player' || sessionOf(ctx).game === null) return undefined;
  return ctx.tx.teamOfPlayer(ctx.actor.player)?.id;
}

/** Whether something recorded as hidden from `hiddenFrom` is hidden from the reader's team. */
export function hiddenFrom(reader: number | undefined, hidden: readonly number[] | undefined): boolean {
  return reader !== undefined && hidden !== undefined && hidden.includes(reader);
}

const NONE: readonly number[] = Object.freeze([]);
