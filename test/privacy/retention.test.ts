import { afterEach, describe, expect, it } from 'vitest';
import { closeClients, removeTempDirs, stopTestServers, waitFor } from '../helpers/index.js';
import { blobRows, journalInputs } from '../pictures/support.js';
import { playedGame, replayOf } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const DAY_MS = 24 * 60 * 60 * 1000;

describe('[PRIVACY-1] retention of a finished game', () => {
  it('[PRIVACY-1] deletes its tracks and pictures after the retention period; scores and events stay', async () => {
    const game = await playedGame();
    const { owner, clock, server, world } = game;
    const [profile, proof] = game.pictures as [number, number];
    const before = await owner.request({ type: 'pastGame.get', id: game.pastGame });
    const trackOf = (g: typeof before): unknown => g.teams.find((t) => t.id === world.teams.a)?.track;
    expect(trackOf(before)).toHaveLength(1);

    clock.advance(30 * DAY_MS - 1_000);
    await owner.request({ type: 'ping' });
    expect(trackOf(await owner.request({ type: 'pastGame.get', id: game.pastGame }))).toHaveLength(1);

    clock.advance(1_000);
    // The timer's step is in memory at once; an answer after it is sent only once it is durable.
    await waitFor(
      () => server.server.runtime.current.tables.pastGame.get(game.pastGame)?.expiredAt,
      5_000,
      'expiry',
    );
    const after = await owner.request({ type: 'pastGame.get', id: game.pastGame });
    expect(after.expiredAt).toBe(clock.now());
    for (const team of after.teams) {
      expect(team.track).toEqual([]);
      expect(team.location).toBeNull();
      expect(team.periods.flatMap((p) => [p.location, ...p.pictures])).toEqual(team.periods.map(() => null));
    }
    // Scores and events stay.
    expect(after.teams.map((t) => [t.id, t.points, t.bounty, t.role])).toEqual(
      before.teams.map((t) => [t.id, t.points, t.bounty, t.role]),
    );
    expect(after.events.map((e) => [e.type, e.team, e.at])).toEqual(
      before.events.map((e) => [e.type, e.team, e.at]),
    );
    // The proof picture is gone with its bytes; the player's profile picture is not the game's.
    const state = server.server.runtime.current;
    expect(state.tables.picture.has(proof)).toBe(false);
    expect(state.tables.picture.has(profile)).toBe(true);
    const kept = state.tables.picture.get(profile);
    expect(blobRows(server.dataDir).map((b) => b.key)).toEqual(
      [`picture/${kept?.sha256}`, `picture/${kept?.thumb.sha256}`].sort(),
    );
    // The live teams still showing the game lose their trail too, and the journal its positions.
    expect([...state.tables.trackPoint.values()]).toEqual([]);
    expect(journalInputs(server.dataDir).join('\n')).not.toContain(game.coordinate);
    // [AUTH-9] The audit shows the timer's deletion as the engine's, and the report as redacted.
    const { entries } = await owner.request({ type: 'audit.list' });
    expect(entries.at(-1)).toMatchObject({ command: 'timer.fire', by: { kind: 'engine' } });
    expect(entries.find((e) => e.command === 'location.send')).toMatchObject({ params: null });
    await server.stop();
    expect(replayOf(server.dataDir)).toMatchObject({ equal: true, refused: [] });
  }, 60_000);

  it('[PRIVACY-1] the retention timer belongs to the game session but runs on wall time: a paused game clock does not hold it', async () => {
    const { owner, clock, server, world, pastGame } = await playedGame();
    const timers = [...server.server.runtime.current.tables.timer.values()];
    expect(timers.filter((t) => t.command.type === 'privacy.expire')).toMatchObject([
      { session: world.session, wallClock: true, pausedRemainingMs: null },
    ]);
    await owner.request({ type: 'clock.pause' }, { session: world.session });
    clock.advance(30 * DAY_MS);
    await waitFor(
      () => server.server.runtime.current.tables.pastGame.get(pastGame)?.expiredAt,
      5_000,
      'expiry while the clock is paused',
    );
  }, 60_000);

  it('[PRIVACY-1] the retention period is a session setting of at least a day', async () => {
    const game = await playedGame();
    const session = game.world.session;
    await expect(
      game.owner.request({ type: 'config.set', changes: { retentionDays: 0 } }, { session }),
    ).rejects.toMatchObject({ code: 'INVALID' });
    const set = await game.owner.request({ type: 'config.set', changes: { retentionDays: 2 } }, { session });
    expect(set.effective.retentionDays).toBe(2);
  }, 60_000);
});
