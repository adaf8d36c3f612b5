import type { TeamRecord } from '../../src/engine/game/types.js';
import { emptyState } from '../../src/engine/state.js';
import type { MutableState } from '../../src/store/store.js';

/** A team of session 1 with these players and nothing else of a game. */
export const teamOf = (id: number, players: readonly number[]): TeamRecord => ({
  id,
  session: 1,
  name: `T${id}`,
  colour: { r: 0, g: 0, b: 0 },
  players,
  role: 'Runner',
  points: 0,
  bounty: 0,
  zoneId: null,
  sectorId: null,
  location: null,
  lastTrackPoint: null,
  offers: [],
  periods: [],
  grace: null,
  picture: null,
  createdAt: 0,
});

/** A state with the given players (id and team), all in session 1; each team lists its players. */
export function stateWithPlayers(
  players: readonly (readonly [id: number, team: number | null])[],
): MutableState {
  const state = emptyState() as unknown as MutableState;
  const members = new Map<number, number[]>();
  for (const [id, team] of players) {
    state.tables.player.set(id, {
      id,
      name: `P${id}`,
      session: 1,
      passphrase: null,
      phone: null,
      picture: null,
      removed: false,
      createdAt: 0,
    });
    if (team !== null) members.set(team, [...(members.get(team) ?? []), id]);
  }
  for (const [team, ids] of members) state.tables.team.set(team, teamOf(team, ids));
  return state;
}
