import { describe, expect, it } from 'vitest';
import { emptyState } from '../../src/engine/state.js';
import { TeamTable } from '../../src/engine/team-table.js';
import { Tx } from '../../src/engine/tx.js';
import { applyWrites } from '../../src/runtime/apply.js';
import type { MutableState } from '../../src/store/store.js';
import { teamOf } from '../runtime/support.js';

describe('[CLUSTER-12] the team table finds a player’s team by its member lists', () => {
  it('follows every set and delete, whichever of two teams a move writes first', () => {
    const table = new TeamTable();
    table.set(10, teamOf(10, [1, 2])).set(20, teamOf(20, [3]));
    expect(table.teamOf(1)?.id).toBe(10);
    expect(table.teamOf(3)?.id).toBe(20);
    // Player 1 moves to team 20: the new team first, then the old one without them.
    table.set(20, teamOf(20, [3, 1])).set(10, teamOf(10, [2]));
    expect(table.teamOf(1)?.id).toBe(20);
    // And back: the old team first this time.
    table.set(20, teamOf(20, [3])).set(10, teamOf(10, [2, 1]));
    expect(table.teamOf(1)?.id).toBe(10);
    table.delete(10);
    expect(table.teamOf(1)).toBeUndefined();
    expect(table.teamOf(2)).toBeUndefined();
    expect(table.teamOf(3)?.id).toBe(20);
    table.clear();
    expect(table.teamOf(3)).toBeUndefined();
  });

  it('a rolled back move restores the index', () => {
    const state = emptyState() as unknown as MutableState;
    applyWrites(state, [
      { op: 'put', table: 'team', id: 10, doc: teamOf(10, [1]) },
      { op: 'put', table: 'team', id: 20, doc: teamOf(20, []) },
    ]);
    const undo: (() => void)[] = [];
    applyWrites(
      state,
      [
        { op: 'put', table: 'team', id: 10, doc: teamOf(10, []) },
        { op: 'put', table: 'team', id: 20, doc: teamOf(20, [1]) },
      ],
      undo,
    );
    expect(state.tables.team.teamOf(1)?.id).toBe(20);
    for (const step of undo.reverse()) step();
    expect(state.tables.team.teamOf(1)?.id).toBe(10);
  });

  it('a step’s buffer sees its own membership writes over the index', () => {
    const state = emptyState() as unknown as MutableState;
    state.tables.team.set(10, teamOf(10, [1])).set(20, teamOf(20, []));
    const tx = new Tx(state);
    expect(tx.teamOfPlayer(1)?.id).toBe(10);
    tx.put('team', teamOf(10, []));
    expect(tx.teamOfPlayer(1)).toBeUndefined();
    tx.put('team', teamOf(20, [1]));
    expect(tx.teamOfPlayer(1)?.id).toBe(20);
    tx.delete('team', 20);
    expect(tx.teamOfPlayer(1)).toBeUndefined();
    expect(state.tables.team.teamOf(1)?.id).toBe(10);
    expect(tx.reads).toEqual(new Set(['team']));
  });
});
