import { expect } from 'vitest';
import { ERROR_CODES } from '../../../src/protocol/errors.js';
import { haversineMetres, type LatLon } from '../../../src/protocol/geo.js';
import { east, fix, GRID, HB, north, onGrid } from './world.js';

/**
 * The catch evidence rule (CATCH-6) as a table of cases, run both through the pure engine step and through
 * a real server (catch-evidence*.test.ts), so that the two are held to the very same expectations. Every
 * case is a fresh game of two one-player teams (one catcher) in a session of its own; the clock stands
 * still, and a location's age is how far its device time lies before the clock.
 */

const MINUTE = 60_000;
/** The session default of `catchLocationMaxAgeMinutes`. */
const MAX_AGE = 5 * MINUTE;

/** A position reported `ageMs` before the clock. */
export interface Report {
  readonly at: LatLon;
  readonly ageMs: number;
}

/** What a case expects: acceptance, or a refusal with its code, message and details. */
export type Expected =
  | { readonly ok: true }
  | {
      readonly code: string;
      /** The exact message, given the caught team's name. */
      readonly message: (caughtName: string) => string;
      readonly details?: Record<string, unknown>;
    };

export interface CatchCase {
  /** The test title (rule ids first). */
  readonly title: string;
  readonly config?: { readonly catchLocationMaxAgeMinutes: number };
  /** The caught team's location (none when absent). */
  readonly caught?: Report;
  /** A location.send from the catcher's phone before the catch. */
  readonly catcherReport?: Report;
  /** The position sent with the catch. */
  readonly position?: Report;
  readonly as: 'player' | 'admin';
  readonly override?: boolean;
  readonly expected: Expected;
}

/**
 * The last and the first point east of `from` within / beyond `metres`, as the haversine measures them
 * (neighbouring longitudes of 7 decimals: nothing finer reaches the engine, LOCATION-7).
 */
function edgeEastOf(from: LatLon, metres: number): { lastIn: LatLon; firstOut: LatLon } {
  const at = (units: number): LatLon => ({ lat: from.lat, lon: units / GRID });
  let inside = Math.round(east(from, metres - 0.05).lon * GRID);
  let outside = Math.round(east(from, metres + 0.05).lon * GRID);
  while (outside - inside > 1) {
    const middle = Math.floor((inside + outside) / 2);
    if (haversineMetres(from, at(middle)) <= metres) inside = middle;
    else outside = middle;
  }
  return { lastIn: at(inside), firstOut: at(outside) };
}

/** A spot 30 m north of HB, and the last and first points within and beyond 300 m east of it. */
const EDGE_BASE: LatLon = { lat: 47.3781562, lon: HB.lon };
const edge = edgeEastOf(EDGE_BASE, 300);

const fresh = (at: LatLon): Report => ({ at, ageMs: 0 });
const near = onGrid(east(HB, 120));
const far = onGrid(north(HB, 95_000));

const tooFar = (metres: number): Expected => ({
  code: 'TEAMS_TOO_FAR',
  message: () => `The teams are ${Math.ceil(metres)} m apart (at most 300 m).`,
  details: { metres, maxMetres: 300 },
});
const runnersAdvice = 'have the runners open their app, or ask the game master.';

export const CATCH_CASES: readonly CatchCase[] = [
  {
    title: '[CATCH-6] a player 120 m from the runners catches them with its current position',
    caught: fresh(HB),
    position: fresh(near),
    as: 'player',
    expected: { ok: true },
  },
  {
    title: '[CATCH-2][CATCH-6] the last point within 300 m still counts',
    caught: fresh(EDGE_BASE),
    position: fresh(edge.lastIn),
    as: 'player',
    expected: { ok: true },
  },
  {
    title: '[CATCH-2][CATCH-6] the next point beyond 300 m is TEAMS_TOO_FAR, with the distance',
    caught: fresh(EDGE_BASE),
    position: fresh(edge.firstOut),
    as: 'player',
    expected: tooFar(haversineMetres(edge.firstOut, EDGE_BASE)),
  },
  {
    title: '[CATCH-6] a player 95 km away is refused, whatever its team reported before',
    caught: fresh(HB),
    catcherReport: fresh(near),
    position: fresh(far),
    as: 'player',
    expected: tooFar(haversineMetres(far, HB)),
  },
  {
    title: '[CATCH-6] runners without a location cannot be caught: TARGET_LOCATION_MISSING says what to do',
    position: fresh(near),
    as: 'player',
    expected: {
      code: 'TARGET_LOCATION_MISSING',
      message: (name) => `${name} has sent no location yet: ${runnersAdvice}`,
    },
  },
  {
    title: '[CATCH-6] the runners’ location exactly catchLocationMaxAgeMinutes old still counts',
    caught: { at: HB, ageMs: MAX_AGE },
    position: fresh(near),
    as: 'player',
    expected: { ok: true },
  },
  {
    title: '[CATCH-6] a millisecond older is TARGET_LOCATION_STALE, with its age',
    caught: { at: HB, ageMs: MAX_AGE + 1 },
    position: fresh(near),
    as: 'player',
    expected: {
      code: 'TARGET_LOCATION_STALE',
      message: (name) => `${name}’s latest location is 6 min old (at most 5 min): ${runnersAdvice}`,
      details: { ageMs: MAX_AGE + 1, maxAgeMinutes: 5 },
    },
  },
  {
    title:
      '[CATCH-6][CONFIG-1] catchLocationMaxAgeMinutes is the session’s: at 10, a 6-minute-old location counts',
    config: { catchLocationMaxAgeMinutes: 10 },
    caught: { at: HB, ageMs: 6 * MINUTE },
    position: fresh(near),
    as: 'player',
    expected: { ok: true },
  },
  {
    title:
      '[CATCH-6] a player’s catch without a position is CATCHER_LOCATION_MISSING, even if its team reported',
    caught: fresh(HB),
    catcherReport: fresh(near),
    as: 'player',
    expected: { code: 'CATCHER_LOCATION_MISSING', message: () => ERROR_CODES.CATCHER_LOCATION_MISSING },
  },
  {
    title: '[CATCH-6] a catcher’s position exactly catchLocationMaxAgeMinutes old still counts',
    caught: fresh(HB),
    position: { at: near, ageMs: MAX_AGE },
    as: 'player',
    expected: { ok: true },
  },
  {
    title: '[CATCH-6] a catcher’s position a millisecond older is CATCHER_LOCATION_STALE',
    caught: fresh(HB),
    position: { at: near, ageMs: MAX_AGE + 1 },
    as: 'player',
    expected: {
      code: 'CATCHER_LOCATION_STALE',
      message: () =>
        'The catcher’s position is 6 min old (at most 5 min): wait for a fresh GPS fix and try again.',
      details: { ageMs: MAX_AGE + 1, maxAgeMinutes: 5 },
    },
  },
  {
    title: '[CATCH-6] a player may not override the check: UNAUTHORISED',
    caught: fresh(HB),
    position: fresh(near),
    as: 'player',
    override: true,
    expected: {
      code: 'UNAUTHORISED',
      message: () => 'Only a game master may override the catch’s position check.',
    },
  },
  {
    title: '[CATCH-6] a game master overrides the check: no location anywhere, the catch happens',
    as: 'admin',
    override: true,
    expected: { ok: true },
  },
  {
    title: '[CATCH-6] a game master without override is checked too: 95 km is TEAMS_TOO_FAR',
    caught: fresh(HB),
    position: fresh(far),
    as: 'admin',
    expected: tooFar(haversineMetres(far, HB)),
  },
  {
    title: '[CATCH-6] a game master without a position is judged on the catcher team’s latest location',
    caught: fresh(HB),
    catcherReport: fresh(near),
    as: 'admin',
    expected: { ok: true },
  },
  {
    title:
      '[CATCH-6] a game master without a position, for a team that never reported: CATCHER_LOCATION_MISSING',
    caught: fresh(HB),
    as: 'admin',
    expected: { code: 'CATCHER_LOCATION_MISSING', message: () => ERROR_CODES.CATCHER_LOCATION_MISSING },
  },
  {
    title: '[CATCH-6] a game master’s position counts as evidence, also against a stale team location',
    caught: fresh(HB),
    catcherReport: { at: far, ageMs: 30 * MINUTE },
    position: fresh(near),
    as: 'admin',
    expected: { ok: true },
  },
];

/** One run of a case: the catcher's team location before and after, and what the catch answered. */
export interface CatchRun {
  readonly caughtName: string;
  readonly reply: { ok: true } | { ok: false; code: string; message: string; details?: unknown };
  readonly catcherLocationBefore: LatLon | null;
  readonly catcherLocationAfter: LatLon | null;
  /** The place of the catcher's new period, when the catch happened. */
  readonly catcherPeriodPlace: LatLon | null | undefined;
}

/** A fix as a phone sends it, `ageMs` before `now`. */
export const reportFix = (report: Report, now: number): ReturnType<typeof fix> =>
  fix(report.at, now - report.ageMs, 5);

const latLon = (p: LatLon | null | undefined): LatLon | null | undefined =>
  p === null || p === undefined ? p : { lat: p.lat, lon: p.lon };

/** Checks a run against its case. */
export function expectCase(c: CatchCase, run: CatchRun): void {
  if ('ok' in c.expected) {
    expect(run.reply).toEqual({ ok: true });
    // A player's position of an accepted catch is also its phone's report (taken here, as the team had
    // none or a less precise one); it is where the catcher's new period happened. A game master's is not.
    const reported =
      c.as === 'player' && c.position !== undefined ? c.position.at : run.catcherLocationBefore;
    expect(latLon(run.catcherLocationAfter)).toEqual(latLon(reported));
    expect(latLon(run.catcherPeriodPlace)).toEqual(latLon(reported));
    return;
  }
  const { code, message, details } = c.expected;
  expect(run.reply).toMatchObject({ ok: false, code, message: message(run.caughtName) });
  if (details !== undefined) expect((run.reply as { details?: unknown }).details).toMatchObject(details);
  // A refused catch changes nothing: not even the position it carried is recorded.
  expect(latLon(run.catcherLocationAfter)).toEqual(latLon(run.catcherLocationBefore));
}
