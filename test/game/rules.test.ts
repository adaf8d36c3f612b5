import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { pastGameSchema } from '../../src/protocol/game.js';
import { StepDriver } from './support/drivers.js';
import { zurich } from './support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession, type SessionSetup } from './support/setup.js';
import { accepted, fix, HB, north, refusedWith, teamOf, type TeamView } from './support/world.js';
import { found } from '../helpers/index.js';

type PastGameView = z.infer<typeof pastGameSchema>;
const MINUTE = 60_000;

/** Targeted rules around the game day, on the pure engine (the whole day is in game-day.test.ts). */
async function started(
  at = zurich(9, 0),
  config: Record<string, unknown> = {},
): Promise<{ d: StepDriver; s: SessionSetup; catcher: number; runners: number[] }> {
  const d = new StepDriver(at, 7, await demoCatalogueState());
  const s = await setUpSession(d, { teams: 3, perTeam: 1, config: { numCatchers: 1, ...config } });
  const game = accepted<{ teams: TeamView[] }>(
    await d.call({ command: { type: 'game.start' }, session: s.session }),
  );
  const catcher = found(
    game.teams.find((t) => t.role === 'Catcher'),
    'catcher team',
  ).id;
  return { d, s, catcher, runners: s.teams.filter((t) => t !== catcher) };
}

/** The timers on a session's game clock (not the wall-clock retention timer of an ended game, PRIVACY-1). */
const timersOf = (d: StepDriver, session: number): { type: string; dueAt: number; paused: number | null }[] =>
  [...d.state().tables.timer.values()]
    .filter((t) => t.session === session && t.wallClock !== true)
    .map((t) => ({ type: t.command.type, dueAt: t.dueAt, paused: t.pausedRemainingMs }));

describe('stopping a game', () => {
  it('[STOP-3][PAST-1] archives the grace end, cancels every timer and says the game was stopped', async () => {
    const { d, s, catcher, runners } = await started();
    const caught = found(runners[0], 'runners[0]');
    await d.advance(10 * MINUTE);
    // Positions do not matter here: the game master catches without the position check (CATCH-6).
    accepted(
      await d.call({
        command: { type: 'catch', catcher, caught, periodId: 0, override: true },
        session: s.session,
      }),
    );
    const graceEnd = zurich(9, 25);
    expect(teamOf(d.state(), catcher).grace?.until).toBe(graceEnd);
    await d.advance(MINUTE);
    const stop = accepted<{ pastGame: number }>(
      await d.call({ command: { type: 'game.stop' }, session: s.session }),
    );
    expect(d.broadcasts().at(-1)?.event).toMatchObject({
      type: 'game.ended',
      reason: 'stopped',
      pastGame: stop.pastGame,
    });
    expect(timersOf(d, s.session)).toEqual([]);
    expect(teamOf(d.state(), catcher).grace).toBeNull();
    const past = accepted<PastGameView>(
      await d.call({ command: { type: 'pastGame.get', id: stop.pastGame } }),
    );
    expect(past.teams.find((t) => t.id === catcher)?.graceUntil).toBe(graceEnd);
    expect(past.endedAt).toBe(zurich(9, 11));
  });

  it('[STOP-2] a new game in the same session is not ended by the alarm of the stopped one', async () => {
    const { d, s } = await started(zurich(9, 0), { endTime: '12:00' });
    expect(timersOf(d, s.session)).toEqual([{ type: 'game.end', dueAt: zurich(12, 0), paused: null }]);
    accepted(await d.call({ command: { type: 'game.stop' }, session: s.session }));
    accepted(
      await d.call({ command: { type: 'config.set', changes: { endTime: '17:00' } }, session: s.session }),
    );
    accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
    expect(timersOf(d, s.session)).toEqual([{ type: 'game.end', dueAt: zurich(17, 0), paused: null }]);
    await d.advance(zurich(12, 0) - d.now());
    expect(d.state().tables.session.get(s.session)?.game).toMatchObject({ id: 2, endsAt: zurich(17, 0) });
  });

  it('[CORRECTION-1] corrections are refused once the game is over: its archive is final', async () => {
    const { d, s, catcher, runners } = await started();
    accepted(
      await d.call({
        command: {
          type: 'catch',
          catcher,
          caught: found(runners[0], 'runners[0]'),
          periodId: 0,
          override: true,
        },
        session: s.session,
      }),
    );
    accepted(await d.call({ command: { type: 'game.stop' }, session: s.session }));
    const team = catcher;
    for (const command of [
      { type: 'correction.undo', team },
      { type: 'correction.adjust', team, points: 10 },
      { type: 'correction.endGrace', team },
      { type: 'correction.newHand', team },
      { type: 'correction.move', team, zone: 1 },
    ] as const) {
      expect(refusedWith(await d.call({ command, session: s.session }))).toBe('GAME_NOT_RUNNING');
    }
  });
});

describe('grace and the game clock', () => {
  it('[GRACE-5] a new grace replaces an older one: the old timer is cancelled and cannot end it early', async () => {
    const { d, s, catcher, runners } = await started();
    const [first, second] = runners as [number, number];
    accepted(
      await d.call({
        command: { type: 'catch', catcher, caught: first, periodId: 0, override: true },
        session: s.session,
      }),
    );
    // A game master turns the team in grace back into a catcher; it catches again five minutes later.
    accepted(
      await d.call({ command: { type: 'team.setRole', team: catcher, role: 'Catcher' }, session: s.session }),
    );
    await d.advance(5 * MINUTE);
    accepted(
      await d.call({
        command: { type: 'catch', catcher, caught: second, periodId: 1, override: true },
        session: s.session,
      }),
    );
    const graces = timersOf(d, s.session).filter((t) => t.type === 'grace.end');
    expect(graces.map((t) => t.dueAt)).toEqual([zurich(9, 20)]);
    await d.advance(zurich(9, 15) - d.now());
    expect(teamOf(d.state(), catcher).grace?.until).toBe(zurich(9, 20));
    await d.advance(5 * MINUTE);
    expect(teamOf(d.state(), catcher).grace).toBeNull();
  });

  it('[PAUSE-1][PAUSE-3] a game started while the clock is paused waits for the resume: its end moves by the pause', async () => {
    const d = new StepDriver(zurich(9, 0), 9, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 3, perTeam: 1, config: { numCatchers: 1 } });
    accepted(await d.call({ command: { type: 'clock.pause' }, session: s.session }));
    const game = accepted<{ game: { endsAt: number; pausedAt: number | null } }>(
      await d.call({ command: { type: 'game.start' }, session: s.session }),
    );
    expect(game.game).toMatchObject({ endsAt: zurich(17, 0), pausedAt: zurich(9, 0) });
    expect(timersOf(d, s.session)).toEqual([
      { type: 'game.end', dueAt: zurich(17, 0), paused: 8 * 60 * MINUTE },
    ]);
    await d.advance(30 * MINUTE);
    accepted(await d.call({ command: { type: 'clock.resume' }, session: s.session }));
    expect(timersOf(d, s.session)).toEqual([{ type: 'game.end', dueAt: zurich(17, 30), paused: null }]);
    expect(d.state().tables.session.get(s.session)?.game?.endsAt).toBe(zurich(17, 30));
    await d.advance(zurich(17, 30) - d.now());
    expect(d.broadcasts().at(-1)?.event).toMatchObject({ type: 'game.ended', reason: 'time' });
  });
});

describe('[TIME-2][START-5] the game day in the session time zone', () => {
  /** A session of three teams at `at`, with `config`; then a start: its end, or the refusal's code. */
  async function startAt(at: number, config: Record<string, unknown>): Promise<number | string> {
    const d = new StepDriver(at, 3, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 3, perTeam: 1, config: { numCatchers: 1, ...config } });
    const reply = await d.call({ command: { type: 'game.start' }, session: s.session });
    if (!reply.ok) {
      expect(d.state().tables.session.get(s.session)?.game).toBeNull();
      expect(reply.error.details).toMatchObject({ rule: 'start-after-end', field: 'endTime' });
      return reply.error.code;
    }
    const { game } = accepted<{ game: { endsAt: number } }>(reply);
    expect(timersOf(d, s.session)).toEqual([{ type: 'game.end', dueAt: game.endsAt, paused: null }]);
    return game.endsAt;
  }
  const sameDay = { startTime: '09:00', endTime: '17:00' };
  const overnight = { startTime: '22:00', endTime: '00:20' };

  it('same-day game: refused from the end time to exactly 12 hours after it, then the next day', async () => {
    expect(await startAt(zurich(9, 0), sameDay)).toBe(zurich(17, 0));
    expect(await startAt(zurich(17, 30), sameDay)).toBe('BAD_DATA');
    expect(await startAt(zurich(29, 0), sameDay)).toBe('BAD_DATA'); // 05:00 the next morning: 12 h
    expect(await startAt(zurich(29, 1), sameDay)).toBe(zurich(41, 0)); // 05:01: ends 17:00 that day
  });

  it('overnight game: at 00:27 refused, at 15:00 it runs until 00:20 that night', async () => {
    expect(await startAt(zurich(0, 27), overnight)).toBe('BAD_DATA');
    expect(await startAt(zurich(12, 20), overnight)).toBe('BAD_DATA');
    expect(await startAt(zurich(12, 21), overnight)).toBe(zurich(24, 20));
    expect(await startAt(zurich(15, 0), overnight)).toBe(zurich(24, 20));
    expect(await startAt(zurich(22, 30), overnight)).toBe(zurich(24, 20));
  });

  it('across the spring switch, 12 hours after a Saturday ending 18:00 is 07:00 CEST on Sunday', async () => {
    const config = { startTime: '09:00', endTime: '18:00' };
    const sunday = (hour: number, minute: number): number => Date.UTC(2026, 2, 29, hour - 2, minute);
    expect(await startAt(sunday(7, 0), config)).toBe('BAD_DATA');
    expect(await startAt(sunday(7, 1), config)).toBe(sunday(18, 0));
  });

  it('tells the game master when the game day ended and from when a start is an early next day', async () => {
    const d = new StepDriver(zurich(17, 30), 3, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 3, perTeam: 1, config: { numCatchers: 1, ...sameDay } });
    const reply = await d.call({ command: { type: 'game.start' }, session: s.session });
    expect(reply.ok ? '' : reply.error.message).toMatch(/ended at 17:00.*after 05:00/);
  });
});

describe('location intake: each rule that does not take a position says which it is', () => {
  it('no game, the same coordinates again, less precise than a recent position; else taken', async () => {
    const d = new StepDriver(zurich(9, 0), 5, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 3, perTeam: 2, config: { numCatchers: 1 } });
    const team = s.teams[0] as number;
    const [first, second] = [playerOf(s, team, 0), playerOf(s, team, 1)];
    const send = async (as: typeof first, at: { lat: number; lon: number }, accuracy: number) =>
      accepted<{ accepted: boolean; reason?: string }>(
        await d.call({
          command: { type: 'location.send', location: fix(at, d.now(), accuracy) },
          session: s.session,
          as,
        }),
      );
    expect(await send(first, HB, 50)).toEqual({ accepted: false, reason: 'no-game' });
    accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
    expect(await send(first, HB, 50)).toEqual({ accepted: true });
    expect(await send(first, HB, 50)).toEqual({ accepted: false, reason: 'same-position' });
    await d.advance(5_000);
    expect(await send(second, north(HB, 100), 80)).toEqual({ accepted: false, reason: 'less-precise' });
    expect(teamOf(d.state(), team).location).toMatchObject({ accuracy: 50 });
    await d.advance(31_000);
    expect(await send(second, north(HB, 200), 80)).toEqual({ accepted: true });
  });

  it('[LOCATION-3] a precise report older than the team position does not move the team back', async () => {
    const d = new StepDriver(zurich(9, 0), 5, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 3, perTeam: 2, config: { numCatchers: 1 } });
    const team = s.teams[0] as number;
    const [first, second] = [playerOf(s, team, 0), playerOf(s, team, 1)];
    accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
    const sendAt = async (as: typeof first, at: { lat: number; lon: number }, timestamp: number) =>
      accepted<{ accepted: boolean; reason?: string }>(
        await d.call({
          command: { type: 'location.send', location: fix(at, timestamp, 5) },
          session: s.session,
          as,
        }),
      );
    const queuedAt = d.now();
    await d.advance(120_000);
    expect(await sendAt(first, north(HB, 3_000), d.now())).toEqual({ accepted: true });
    // The second phone comes out of a tunnel with a precise fix from two minutes ago.
    expect(await sendAt(second, HB, queuedAt)).toEqual({ accepted: false, reason: 'older' });
    expect(teamOf(d.state(), team).location).toMatchObject({ timestamp: d.now() });
    expect(await sendAt(second, north(HB, 3_100), d.now())).toEqual({ accepted: true });
  });
});
