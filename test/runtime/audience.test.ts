import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import type { BroadcastEvent } from '../../src/protocol/broadcasts.js';
import {
  ADMINS_ONLY,
  EVERY_FOLLOWER,
  reaches,
  resolveRecipients,
  type Recipients,
  type Viewer,
} from '../../src/runtime/audience.js';
import { sequence } from '../../src/runtime/sequencer.js';
import type { MutableState } from '../../src/store/store.js';
import { stateWithPlayers } from './support.js';

/** Players 1–4: 1 and 2 on team 10, 3 on team 20, 4 in no team; all in session 1. */
const stateWithTeams = (): MutableState =>
  stateWithPlayers([
    [1, 10],
    [2, 10],
    [3, 20],
    [4, null],
  ]);

const playerIn = (player: number, session: number | null): Viewer => ({
  actor: { kind: 'player', player },
  session,
});
const as = (actor: Actor, session: number | null = null): Viewer => ({ actor, session });

describe('recipients are resolved from the state at commit', () => {
  it('"all" and "admins" become shared constants (nothing is allocated for them)', () => {
    const state = stateWithTeams();
    expect(resolveRecipients(state, 'all')).toBe(EVERY_FOLLOWER);
    expect(resolveRecipients(state, 'admins')).toBe(ADMINS_ONLY);
  });

  it('hidden teams become the players on them at that moment', () => {
    const recipients = resolveRecipients(stateWithTeams(), { exceptTeams: [10] });
    expect(recipients).toEqual({ to: 'stream', exceptPlayers: [1, 2] });
    expect(resolveRecipients(stateWithTeams(), { exceptTeams: [] })).toEqual(EVERY_FOLLOWER);
  });
});

describe('who a broadcast reaches', () => {
  const hidden: Recipients = { to: 'stream', exceptPlayers: [1, 2] };

  it('admins get everything, on every stream', () => {
    for (const recipients of [EVERY_FOLLOWER, ADMINS_ONLY, hidden])
      for (const stream of ['global', '1', '7'])
        expect(reaches(recipients, stream, as({ kind: 'admin' }))).toBe(true);
  });

  it('guests, system peers and command-only connections get nothing', () => {
    expect(reaches(EVERY_FOLLOWER, 'global', as({ kind: 'guest' }))).toBe(false);
    expect(reaches(EVERY_FOLLOWER, 'global', as({ kind: 'system' }))).toBe(false);
    expect(reaches(EVERY_FOLLOWER, 'global', { ...as({ kind: 'admin' }), broadcasts: false })).toBe(false);
    expect(reaches(EVERY_FOLLOWER, '1', { ...playerIn(3, 1), broadcasts: false })).toBe(false);
  });

  it('a player gets the global stream and its own session’s, never another session’s', () => {
    expect(reaches(EVERY_FOLLOWER, 'global', playerIn(3, 1))).toBe(true);
    expect(reaches(EVERY_FOLLOWER, '1', playerIn(3, 1))).toBe(true);
    expect(reaches(EVERY_FOLLOWER, '2', playerIn(3, 1))).toBe(false);
    expect(reaches(EVERY_FOLLOWER, '1', playerIn(3, null))).toBe(false);
    expect(reaches(EVERY_FOLLOWER, 'global', playerIn(3, null))).toBe(true);
  });

  it('a player gets no admin broadcast, and none it is excepted from', () => {
    expect(reaches(ADMINS_ONLY, 'global', playerIn(3, 1))).toBe(false);
    expect(reaches(hidden, '1', playerIn(1, 1))).toBe(false);
    expect(reaches(hidden, '1', playerIn(3, 1))).toBe(true);
    expect(reaches(hidden, '1', playerIn(4, 1))).toBe(true);
  });
});

describe('sequencing', () => {
  const event: BroadcastEvent = { type: 'announcement', text: 'hi' };

  it('numbers each stream gap-free, renders the frame once, and can be taken back', () => {
    const state = stateWithTeams();
    const undo: (() => void)[] = [];
    const first = sequence(state, { session: 1, audience: 'all', event }, 5, undo);
    const global = sequence(state, { session: null, audience: 'admins', event }, 6, undo);
    const second = sequence(state, { session: 1, audience: 'all', event }, 7, undo);
    expect([first.seq, global.seq, second.seq]).toEqual([1, 1, 2]);
    expect([first.stream, global.stream]).toEqual(['1', 'global']);
    expect(JSON.parse(second.message)).toEqual({ type: 'broadcast', session: 1, seq: 2, at: 7, event });
    expect(global.recipients).toBe(ADMINS_ONLY);
    for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
    expect([...state.streams]).toEqual([
      ['1', 0],
      ['global', 0],
    ]);
  });

  it('a broadcast hidden from the catchers stays hidden from who they were, whatever happens later (VISIBILITY-4)', () => {
    const state = stateWithTeams();
    const hiddenFromTen = sequence(state, { session: 1, audience: { exceptTeams: [10] }, event }, 1, []);
    // Afterwards player 1 moves to team 20 and player 4 joins team 10: the logged recipients still leave
    // out players 1 and 2 (a replay on resume decides the same), and not player 4.
    const move = (id: number, to: number): void => {
      for (const team of state.tables.team.values()) {
        const players = team.id === to ? [...team.players, id] : team.players.filter((p) => p !== id);
        state.tables.team.set(team.id, { ...team, players });
      }
    };
    move(1, 20);
    move(4, 10);
    expect(reaches(hiddenFromTen.recipients, '1', playerIn(1, 1))).toBe(false);
    expect(reaches(hiddenFromTen.recipients, '1', playerIn(2, 1))).toBe(false);
    expect(reaches(hiddenFromTen.recipients, '1', playerIn(4, 1))).toBe(true);
  });
});
