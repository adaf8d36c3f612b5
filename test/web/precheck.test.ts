import { describe, expect, it } from 'vitest';
import { catchPrecheck, CATCH_LOCATION_MAX_AGE_MS } from '../../web/src/catch/precheck.js';
import { StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession } from '../game/support/setup.js';
import { accepted, east, fix, HB, north, type TeamView } from '../game/support/world.js';

type LatLon = { lat: number; lon: number };

/** What the engine answers a catch from `catcherAt` of a runner at `runnerAt` (both fixes just sent): 'accepted' or the error code. */
async function engineCatch(catcherAt: LatLon, runnerAt: LatLon): Promise<string> {
  const d = new StepDriver(zurich(9, 0), 3, await demoCatalogueState());
  const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
  const game = accepted<{ teams: TeamView[] }>(
    await d.call({ command: { type: 'game.start' }, session: s.session }),
  );
  const catcher = game.teams.find((t) => t.role === 'Catcher')?.id as number;
  const runner = game.teams.find((t) => t.role === 'Runner')?.id as number;
  await d.advance(10 * 60_000);
  for (const [team, at] of [
    [catcher, catcherAt],
    [runner, runnerAt],
  ] as const) {
    const sent = await d.call({
      command: { type: 'location.send', location: fix(at, d.now()) },
      session: s.session,
      as: playerOf(s, team),
    });
    accepted(sent);
  }
  const reply = await d.call({
    command: { type: 'catch', catcher, caught: runner, periodId: 0, position: fix(catcherAt, d.now()) },
    session: s.session,
    as: playerOf(s, catcher),
  });
  return reply.ok ? 'accepted' : reply.error.code;
}

/** Positions around the 300 m radius, in both axes (the reference swapped latitude and longitude). */
const CASES: readonly { name: string; runner: LatLon }[] = [
  { name: 'same place', runner: HB },
  { name: '150 m north', runner: north(HB, 150) },
  { name: '299 m north', runner: north(HB, 299) },
  { name: '299 m east', runner: east(HB, 299) },
  { name: '301 m north', runner: north(HB, 301) },
  { name: '301 m east', runner: east(HB, 301) },
  { name: '250 m east, 200 m north (320 m)', runner: north(east(HB, 250), 200) },
  { name: '1.4 km east', runner: east(HB, 1400) },
];

describe('the catch pre-check gives the engine’s answer', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const now = zurich(9, 10);
      const check = catchPrecheck(HB, { ...c.runner, timestamp: now }, now);
      const engine = await engineCatch(HB, c.runner);
      expect(check.verdict === 'inReach' ? 'accepted' : 'TEAMS_TOO_FAR').toBe(engine);
    });
  }
});

describe('the catch pre-check', () => {
  const now = 1_800_000_000_000;
  it('says how old the target’s position is, and when it is too old for a catch', () => {
    const fresh = catchPrecheck(HB, { ...north(HB, 340), timestamp: now - 2 * 60_000 }, now);
    expect(fresh).toMatchObject({ verdict: 'tooFar', ageMs: 120_000, stale: false });
    expect(fresh.metres).toBeCloseTo(340, 0);
    const old = catchPrecheck(HB, { ...HB, timestamp: now - CATCH_LOCATION_MAX_AGE_MS - 1 }, now);
    expect(old).toMatchObject({ verdict: 'inReach', stale: true });
  });

  it('knows when a position is missing', () => {
    expect(catchPrecheck(HB, null, now)).toMatchObject({ verdict: 'noTargetFix', metres: null, ageMs: null });
    expect(catchPrecheck(null, { ...HB, timestamp: now }, now)).toMatchObject({
      verdict: 'noOwnFix',
      ageMs: 0,
    });
  });
});
