/**
 * The engine's cost of a `location.send` that adds a track point, in the `shared` and the `per-session`
 * id space (CLUSTER-16): the pure step alone, no runtime, no store. Each space runs on its own copy of the
 * same running game; a runner reports every 11 s, 60 m further on, so every report adds a track point.
 * Rounds alternate between the spaces so that the machine's load falls on both alike.
 *
 * `npx tsx bench/location-step.ts [reports per round] [rounds]`
 */
import { seededRng } from '../src/engine/rng.js';
import { step, type StepInput } from '../src/engine/step.js';
import { applyWrites } from '../src/runtime/apply.js';
import type { MutableState } from '../src/store/store.js';
import { copyState, demoCatalogueState, playerOf, setUpSession } from '../test/game/support/setup.js';
import { StepDriver } from '../test/game/support/drivers.js';
import { zurich } from '../test/game/support/game-day.js';
import { east, fix, HB } from '../test/game/support/world.js';
import { percentile } from './harness.js';

const REPORTS = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 5);

/** A running game of two teams (one runner) in the given id space; the runner's reports, ready to send. */
async function game(
  space: 'shared' | 'per-session',
): Promise<{ state: MutableState; report: (i: number) => StepInput; now: number }> {
  const d = new StepDriver(zurich(9, 0), 7, await demoCatalogueState());
  if (space === 'per-session') d.run({ type: 'ids.partition' }, undefined, { kind: 'system' });
  const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
  d.run({ type: 'game.start' }, s.session);
  const runner = s.teams.find((t) => d.state().tables.team.get(t)?.role === 'Runner');
  if (runner === undefined) throw new Error('no runner');
  const actor = playerOf(s, runner);
  const start = d.now();
  const report = (i: number): StepInput => ({
    command: { type: 'location.send', location: fix(east(HB, 60 * i), start + 11_000 * i) },
    actor,
    session: s.session,
  });
  return { state: copyState(d.state()), report, now: start };
}

/** Runs `count` reports from report `from` on, applying each; the mean step time in microseconds. */
function reports(g: Awaited<ReturnType<typeof game>>, from: number, count: number): number {
  let stepping = 0;
  for (let i = from; i < from + count; i++) {
    const input = g.report(i);
    const began = performance.now();
    const result = step(g.state, input, { now: g.now + 11_000 * i, rng: seededRng(i) });
    stepping += performance.now() - began;
    if (result.outcome.ok !== true) throw new Error(`report ${i} refused: ${JSON.stringify(result.outcome)}`);
    applyWrites(g.state, result.writes);
  }
  return (stepping / count) * 1000;
}

const games = { shared: await game('shared'), 'per-session': await game('per-session') };
const times: Record<keyof typeof games, number[]> = { shared: [], 'per-session': [] };
for (let r = 0; r < ROUNDS; r++)
  for (const space of ['shared', 'per-session'] as const)
    times[space].push(reports(games[space], 1 + r * REPORTS, REPORTS));
for (const space of ['shared', 'per-session'] as const)
  console.log(
    `${space}: median ${percentile(
      [...times[space]].sort((a, b) => a - b),
      50,
    ).toFixed(
      2,
    )} µs per location.send (rounds: ${times[space].map((t) => t.toFixed(2)).join(', ')}; ${games[space].state.tables.trackPoint.size} track points at the end)`,
  );
