import type { TeamRecord } from './game/types.js';

/** The team table as the engine reads it: a map by id that also finds a player's team. */
export interface ReadonlyTeamTable extends ReadonlyMap<number, TeamRecord> {
  /** The team whose `players` list the player, if any (a player is in at most one team, PLAYER-2). */
  teamOf(player: number): TeamRecord | undefined;
}

/**
 * The team table with an index from member to team. A player's team is the team that lists them
 * (CLUSTER-12: the player's record, which the global part owns, no longer names it), and a location report
 * looks it up on every call: the index keeps that from walking every team. It is kept in `set`/`delete`,
 * the only ways the table changes (loading, applying writes and rolling them back all go through them);
 * a member is unindexed only if the index still names this team, so that moving a player between two
 * teams gives the same index whichever of the two writes comes first.
 */
export class TeamTable extends Map<number, TeamRecord> implements ReadonlyTeamTable {
  private readonly byPlayer = new Map<number, number>();

  teamOf(player: number): TeamRecord | undefined {
    const id = this.byPlayer.get(player);
    return id === undefined ? undefined : this.get(id);
  }

  override set(id: number, team: TeamRecord): this {
    this.unindex(id);
    super.set(id, team);
    for (const player of team.players) this.byPlayer.set(player, id);
    return this;
  }

  override delete(id: number): boolean {
    this.unindex(id);
    return super.delete(id);
  }

  override clear(): void {
    this.byPlayer.clear();
    super.clear();
  }

  private unindex(id: number): void {
    for (const player of this.get(id)?.players ?? []) {
      if (this.byPlayer.get(player) === id) this.byPlayer.delete(player);
    }
  }
}
