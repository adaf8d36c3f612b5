import { describe, expect, it } from 'vitest';
import { catchPrecheck } from '../../web/src/catch/precheck.js';
import { StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession } from '../game/support/setup.js';
import { accepted, east, fix, HB, north, type TeamView } from '../game/support/world.js';

type LatLon = { lat: number; lon: number };

/** A session setting other than the default, so that the pre-check is seen to use the session's. */
const MAX_AGE_MINUTES = 4;
const MINUTE = 60_000;

/** Where each team was last seen and how long before the catch; null: never. */
interface Case {
  readonly name: string;
  readonly catcher: { at: LatLon; ageMs: number } | null;
  readonly runner: { at: LatLon; ageMs: number } | null;
}

/**
 * What the engine answers a catch, with the runner's location sent `runner.ageMs` before it and the
 * catcher's position (taken `catcher.ageMs` before) sent with it: 'accepted' or the error code.
 */
async function engineCatch(c: Case): Promise<{ answer: string; now: number }> {
  const d = new StepDriver(zurich(9, 0), 3, await demoCatalogueState());
  const s = await setUpSession(d, {
    teams: 2,
    perTeam: 1,
    config: { numCatchers: 1, catchLocationMaxAgeMinutes: MAX_AGE_MINUTES },
  });
  const game = accepted<{ teams: TeamView[] }>(
    await d.call({ command: { type: 'game.start' }, session: s.session }),
  );
  const catcher = game.teams.find((t) => t.role === 'Catcher')?.id as number;
  const runner = game.teams.find((t) => t.role === 'Runner')?.id as number;
  await d.advance(20 * MINUTE);
  if (c.runner !== null) {
    const location = fix(c.runner.at, d.now());
    accepted(
      await d.call({
        command: { type: 'location.send', location },
        session: s.session,
        as: playerOf(s, runner),
      }),
    );
    await d.advance(c.runner.ageMs);
  }
  const position = c.catcher === null ? undefined : fix(c.catcher.at, d.now() - c.catcher.ageMs);
  const reply = await d.call({
    command: { type: 'catch', catcher, caught: runner, periodId: 0, position },
    session: s.session,
    as: playerOf(s, catcher),
  });
  return { answer: reply.ok ? 'accepted' : reply.error.code, now: d.now() };
}

const fresh = (at: LatLon, ageMs = 0) => ({ at, ageMs });

/** Positions around the 300 m radius in both axes (the reference swapped latitude and longitude), and around the age limit. */
const CASES: readonly Case[] = [
  { name: 'same place', catcher: fresh(HB), runner: fresh(HB) },
  { name: '150 m north', catcher: fresh(HB), runner: fresh(north(HB, 150)) },
  { name: '299 m north', catcher: fresh(HB), runner: fresh(north(HB, 299)) },
  { name: '299 m east', catcher: fresh(HB), runner: fresh(east(HB, 299)) },
  { name: '301 m north', catcher: fresh(HB), runner: fresh(north(HB, 301)) },
  { name: '301 m east', catcher: fresh(HB), runner: fresh(east(HB, 301)) },
  { name: '250 m east, 200 m north (320 m)', catcher: fresh(HB), runner: fresh(north(east(HB, 250), 200)) },
  { name: '1.4 km east', catcher: fresh(HB), runner: fresh(east(HB, 1400)) },
  {
    name: 'runners seen exactly at the age limit',
    catcher: fresh(HB),
    runner: fresh(HB, MAX_AGE_MINUTES * MINUTE),
  },
  {
    name: 'runners seen 1 s too long ago',
    catcher: fresh(HB),
    runner: fresh(HB, MAX_AGE_MINUTES * MINUTE + 1_000),
  },
  {
    name: 'runners seen 7 min ago, 1.4 km away',
    catcher: fresh(HB),
    runner: fresh(east(HB, 1400), 7 * MINUTE),
  },
  { name: 'runners never seen', catcher: fresh(HB), runner: null },
  { name: 'catcher without a position', catcher: null, runner: fresh(HB) },
  {
    name: 'catcher’s position too old',
    catcher: fresh(HB, MAX_AGE_MINUTES * MINUTE + 1_000),
    runner: fresh(HB),
  },
  { name: 'nobody seen', catcher: null, runner: null },
];

describe('the catch pre-check gives the engine’s answer', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { answer, now } = await engineCatch(c);
      const timed = (seen: Case['catcher']) =>
        seen === null ? null : { ...seen.at, timestamp: now - seen.ageMs };
      const check = catchPrecheck(timed(c.catcher), timed(c.runner), now, MAX_AGE_MINUTES);
      expect(check.problem?.code ?? 'accepted').toBe(answer);
    });
  }
});

describe('the catch pre-check', () => {
  const now = 1_800_000_000_000;
  const at = (position: LatLon, ageMs: number) => ({ ...position, timestamp: now - ageMs });

  it('says how far and how old the runners’ position is', () => {
    const check = catchPrecheck(at(HB, 0), at(north(HB, 340), 2 * MINUTE), now, 5);
    expect(check).toMatchObject({ problem: { code: 'TEAMS_TOO_FAR' }, ageMs: 2 * MINUTE });
    expect(check.metres).toBeCloseTo(340, 0);
  });

  it('says how old a stale position is', () => {
    const check = catchPrecheck(at(HB, 0), at(HB, 7 * MINUTE), now, 5);
    expect(check.problem).toEqual({ code: 'TARGET_LOCATION_STALE', ageMs: 7 * MINUTE });
  });

  it('knows when a position is missing', () => {
    expect(catchPrecheck(at(HB, 0), null, now, 5)).toMatchObject({
      problem: { code: 'TARGET_LOCATION_MISSING' },
      metres: null,
      ageMs: null,
    });
    expect(catchPrecheck(null, at(HB, 0), now, 5)).toMatchObject({
      problem: { code: 'CATCHER_LOCATION_MISSING' },
      ageMs: 0,
    });
  });
});
