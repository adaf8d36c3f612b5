import { describe, expect, it } from 'vitest';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import { applyBroadcast } from '../../web/src/game/apply-broadcast.js';
import type { GameView, Team } from '../../web/src/game/types.js';

const team = (id: number, extra: Partial<Team> = {}): Team => ({
  id,
  session: 3,
  name: `T${id}`,
  colour: { r: 1, g: 2, b: 3 },
  players: [id],
  role: 'Runner',
  points: 0,
  bounty: 0,
  zoneId: null,
  sectorId: null,
  location: null,
  offers: [],
  periods: [],
  periodId: 0,
  graceUntil: null,
  picture: null,
  ...extra,
});
const location = { lat: 47, lon: 8, accuracy: 5, heading: null, speed: null, timestamp: 10, receivedAt: 11 };

const view: GameView = {
  state: {
    session: { id: 3, name: 'Z', mode: 'Traditional', timeZone: 'Europe/Zurich', game: 1, paused: false },
    game: { id: 1, name: 'G', startedAt: 0, endsAt: 100, pausedAt: null },
    teams: [team(1, { location }), team(2)],
    players: [],
    events: [],
    seq: { global: 4, '3': 10 },
  },
  notes: [],
};

const broadcast = (
  seq: number,
  event: BroadcastMessage['event'],
  session: number | null = 3,
): BroadcastMessage => ({
  type: 'broadcast',
  session,
  seq,
  at: 1_000 + seq,
  event,
});

describe('applying broadcasts to the stored game', () => {
  it('skips what the view already reflects and advances the stream position', () => {
    const stale = applyBroadcast(view, broadcast(10, { type: 'grace.ended', team: 1 }));
    expect(stale.view).toBe(view);
    const next = applyBroadcast(view, broadcast(11, { type: 'grace.ended', team: 1 }));
    expect(next.view.state.seq).toEqual({ global: 4, '3': 11 });
    expect(next.view.notes).toEqual([{ at: 1_011, kind: 'graceEnded', team: 1 }]);
  });

  it('takes a team from a broadcast but keeps the position it does not carry', () => {
    const { view: next } = applyBroadcast(
      view,
      broadcast(11, { type: 'team.changed', team: team(1, { points: 300, location: null }) }),
    );
    expect(next.state.teams[0]).toMatchObject({ points: 300, location });
  });

  it('moves a team on a location broadcast', () => {
    const moved = { ...location, lat: 47.5, timestamp: 20 };
    const { view: next } = applyBroadcast(
      view,
      broadcast(11, { type: 'location', team: 2, location: moved }),
    );
    expect(next.state.teams[1]?.location).toEqual(moved);
  });

  it('asks for a fresh snapshot after a correction or a resumed clock', () => {
    expect(
      applyBroadcast(
        view,
        broadcast(11, { type: 'correction', kind: 'adjust', team: 1, reason: null, by: { kind: 'owner' } }),
      ).refetch,
    ).toBe(true);
    expect(applyBroadcast(view, broadcast(11, { type: 'clock.resumed', at: 5, pausedMs: 3 })).refetch).toBe(
      true,
    );
  });

  it('notes a correction, a start and a stop with their author (AUTH-7)', () => {
    const alice = { kind: 'gameMaster' as const, gameMaster: 2, name: 'Alice' };
    const corrected = applyBroadcast(
      view,
      broadcast(11, { type: 'correction', kind: 'undo', team: 1, reason: 'wrong', by: alice }),
    );
    expect(corrected.view.notes.at(-1)).toEqual({
      at: 1_011,
      kind: 'correction',
      team: 1,
      text: 'undo',
      by: alice,
    });
    const ended = applyBroadcast(
      view,
      broadcast(11, {
        type: 'game.ended',
        game: view.state.game!,
        pastGame: 1,
        reason: 'stopped',
        by: alice,
      }),
    );
    expect(ended.view.notes.at(-1)).toMatchObject({ kind: 'ended', by: alice });
  });

  it('ends the game but keeps the teams as the last standings', () => {
    const { view: next } = applyBroadcast(
      view,
      broadcast(11, {
        type: 'game.ended',
        game: view.state.game!,
        pastGame: 1,
        reason: 'time',
        by: { kind: 'engine' },
      }),
    );
    expect(next.state.game).toBeNull();
    expect(next.state.session.game).toBeNull();
    expect(next.state.teams).toHaveLength(2);
  });
});
