import { describe, expect, it } from 'vitest';
import { PlayerTable } from '../../src/engine/player-table.js';
import { emptyState, type PlayerRecord } from '../../src/engine/state.js';
import { Tx } from '../../src/engine/tx.js';
import { applyWrites } from '../../src/runtime/apply.js';
import type { MutableState } from '../../src/store/store.js';

const player = (id: number, lookup: string | null): PlayerRecord => ({
  id,
  name: `P${id}`,
  session: null,
  passphrase: lookup === null ? null : { lookup, salt: 's', hash: 'h' },
  phone: null,
  picture: null,
  removed: lookup === null,
  createdAt: 0,
});

describe('[AUTH-4] the player table finds players by passphrase', () => {
  it('follows every set and delete', () => {
    const table = new PlayerTable();
    table.set(1, player(1, 'a')).set(2, player(2, 'b'));
    expect(table.withPassphrase('a')?.id).toBe(1);
    table.set(1, player(1, 'c'));
    expect(table.withPassphrase('a')).toBeUndefined();
    expect(table.withPassphrase('c')?.id).toBe(1);
    table.set(2, player(2, null));
    expect(table.withPassphrase('b')).toBeUndefined();
    table.delete(1);
    expect(table.withPassphrase('c')).toBeUndefined();
    table.set(3, player(3, 'c'));
    table.clear();
    expect(table.withPassphrase('c')).toBeUndefined();
  });

  it('is restored with the records when applied writes are rolled back', () => {
    const state = emptyState() as unknown as MutableState;
    applyWrites(state, [{ op: 'put', table: 'player', id: 1, doc: player(1, 'a') }]);
    const undo: (() => void)[] = [];
    applyWrites(
      state,
      [
        { op: 'put', table: 'player', id: 1, doc: player(1, 'b') },
        { op: 'put', table: 'player', id: 2, doc: player(2, 'a') },
      ],
      undo,
    );
    expect(state.tables.player.withPassphrase('a')?.id).toBe(2);
    for (const step of undo.reverse()) step();
    expect(state.tables.player.withPassphrase('a')?.id).toBe(1);
    expect(state.tables.player.withPassphrase('b')).toBeUndefined();
  });

  it("through a transaction buffer sees the buffer's own writes", () => {
    const state = emptyState() as unknown as MutableState;
    applyWrites(state, [{ op: 'put', table: 'player', id: 1, doc: player(1, 'a') }]);
    const tx = new Tx(state);
    expect(tx.playerWithPassphrase('a')?.id).toBe(1);
    tx.put('player', player(1, 'b'));
    tx.put('player', player(2, 'c'));
    expect(tx.playerWithPassphrase('a')).toBeUndefined();
    expect(tx.playerWithPassphrase('b')?.id).toBe(1);
    expect(tx.playerWithPassphrase('c')?.id).toBe(2);
    tx.delete('player', 1);
    expect(tx.playerWithPassphrase('b')).toBeUndefined();
  });
});
