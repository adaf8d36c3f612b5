import type { PlayerRecord } from './state.js';

/** The player table as the engine reads it: a map by id that also finds a player by passphrase. */
export interface ReadonlyPlayerTable extends ReadonlyMap<number, PlayerRecord> {
  /** The player whose sealed passphrase has this lookup hash, if any (passphrases are unique, AUTH-4). */
  withPassphrase(lookup: string): PlayerRecord | undefined;
}

/**
 * The player table with an index by passphrase lookup hash, so that creating a player, changing a
 * passphrase and logging in do not walk every player. The index is kept in `set`/`delete`, the only
 * ways the table changes (loading, applying writes and rolling them back all go through them).
 */
export class PlayerTable extends Map<number, PlayerRecord> implements ReadonlyPlayerTable {
  private readonly byLookup = new Map<string, number>();

  withPassphrase(lookup: string): PlayerRecord | undefined {
    const id = this.byLookup.get(lookup);
    return id === undefined ? undefined : this.get(id);
  }

  override set(id: number, player: PlayerRecord): this {
    this.unindex(id);
    super.set(id, player);
    if (player.passphrase !== null) this.byLookup.set(player.passphrase.lookup, id);
    return this;
  }

  override delete(id: number): boolean {
    this.unindex(id);
    return super.delete(id);
  }

  override clear(): void {
    this.byLookup.clear();
    super.clear();
  }

  private unindex(id: number): void {
    const lookup = this.get(id)?.passphrase?.lookup;
    if (lookup !== undefined && this.byLookup.get(lookup) === id) this.byLookup.delete(lookup);
  }
}
