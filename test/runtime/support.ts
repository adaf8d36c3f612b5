import { emptyState } from '../../src/engine/state.js';
import type { MutableState } from '../../src/store/store.js';

/** A state with the given players (id and team), all in session 1. */
export function stateWithPlayers(
  players: readonly (readonly [id: number, team: number | null])[],
): MutableState {
  const state = emptyState() as unknown as MutableState;
  for (const [id, team] of players) {
    state.tables.player.set(id, {
      id,
      name: `P${id}`,
      session: 1,
      team,
      passphrase: null,
      phone: null,
      picture: null,
      lastLocation: null,
      removed: false,
      createdAt: 0,
    });
  }
  return state;
}
