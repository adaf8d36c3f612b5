import type { PeriodRecord, TeamRecord } from '../engine/game/types.js';

/**
 * A team is stored as two kinds of rows: its core (the entity row, with `periods` as their count) and one
 * row per period in the `period` table, keyed by team and index. A team record's periods only ever grow
 * by one at the end, lose their last, or have one rewritten (a picture added, PRIVACY-1), so a command
 * rewrites the few rows it changed instead of every period the team had, which made a location update
 * cost more the later in the day it came (issue 14).
 */

/** A period row: the team, its index, and the period as JSON, or null to delete the team's periods from `index` on. */
export type PeriodRow = [team: number, index: number, doc: string | null];

/** The team's core as stored in its entity row: the record with its periods replaced by their count. */
export function teamCore(team: TeamRecord): string {
  return JSON.stringify({ ...team, periods: team.periods.length });
}

/**
 * The period rows of one team's change, found by identity: records are never changed in place, so a
 * period that is the same object as the one stored last is stored already. The periods stored last are
 * those of the team written last through this tracker; an unknown team has all its periods written.
 */
export class PeriodTracker {
  private readonly stored = new Map<number, readonly PeriodRecord[]>();

  /** Starts from the teams as loaded from the store. */
  constructor(teams: Iterable<TeamRecord> = []) {
    for (const team of teams) this.stored.set(team.id, team.periods);
  }

  /** The rows that bring the stored periods of `team` to its record's. */
  put(team: TeamRecord, rows: PeriodRow[]): void {
    const before = this.stored.get(team.id);
    const periods = team.periods;
    this.stored.set(team.id, periods);
    if (before === periods) return;
    for (const [index, period] of periods.entries()) {
      if (before?.[index] !== period) rows.push([team.id, index, JSON.stringify(period)]);
    }
    if (before === undefined || before.length > periods.length) rows.push([team.id, periods.length, null]);
  }

  /** The rows that delete a removed team's periods. */
  delete(team: number, rows: PeriodRow[]): void {
    this.stored.delete(team);
    rows.push([team, 0, null]);
  }

  /** Forgets what is stored (after a failed commit): each team's next write stores all its periods. */
  forget(): void {
    this.stored.clear();
  }
}
