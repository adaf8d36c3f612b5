import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import { CATCH_CASES, expectCase, reportFix, type CatchCase, type CatchRun } from './support/catch-cases.js';
import { StepDriver, type Reply } from './support/drivers.js';
import { zurich } from './support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession } from './support/setup.js';
import { accepted, teamOf, type TeamView } from './support/world.js';

/** The catch evidence table (CATCH-6) through the pure engine step: one driver, one session per case. */
async function runCase(c: CatchCase): Promise<CatchRun> {
  const d = new StepDriver(zurich(9, 30), 5, await demoCatalogueState());
  const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1, ...c.config } });
  const game = (command: Parameters<StepDriver['run']>[0], as?: Actor): Promise<Reply> =>
    d.call({ command, session: s.session, ...(as === undefined ? {} : { as }) });
  const started = accepted<{ teams: TeamView[] }>(await game({ type: 'game.start' }));
  const catcher = started.teams.find((t) => t.role === 'Catcher') as TeamView;
  const caught = started.teams.find((t) => t.role === 'Runner') as TeamView;
  const report = async (team: number, at: CatchCase['caught']): Promise<void> => {
    if (at !== undefined)
      accepted(await game({ type: 'location.send', location: reportFix(at, d.now()) }, playerOf(s, team)));
  };
  await report(caught.id, c.caught);
  await report(catcher.id, c.catcherReport);
  const before = teamOf(d.state(), catcher.id);
  const reply = await game(
    {
      type: 'catch',
      catcher: catcher.id,
      caught: caught.id,
      periodId: 0,
      ...(c.position === undefined ? {} : { position: reportFix(c.position, d.now()) }),
      ...(c.override === undefined ? {} : { override: c.override }),
    },
    c.as === 'player' ? playerOf(s, catcher.id) : undefined,
  );
  const after = teamOf(d.state(), catcher.id);
  return {
    caughtName: caught.name,
    reply: reply.ok ? { ok: true } : { ok: false, ...reply.error },
    catcherLocationBefore: before.location,
    catcherLocationAfter: after.location,
    catcherPeriodPlace: after.periods[0]?.location,
  };
}

describe('catch evidence through the engine step', () => {
  for (const c of CATCH_CASES) it(c.title, async () => expectCase(c, await runCase(c)));

  it('[CONFIG-1][CONFIG-3] catchLocationMaxAgeMinutes is set, validated and reset like the others', async () => {
    const d = new StepDriver(zurich(9, 0), 5, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 2, perTeam: 1 });
    const config = (command: Parameters<StepDriver['run']>[0]): Promise<Reply> =>
      d.call({ command, session: s.session });
    type View = { effective: { catchLocationMaxAgeMinutes: number }; overrides: object };
    const set = accepted<View>(
      await config({ type: 'config.set', changes: { catchLocationMaxAgeMinutes: 10 } }),
    );
    expect(set.effective.catchLocationMaxAgeMinutes).toBe(10);
    expect(set.overrides).toEqual({ catchLocationMaxAgeMinutes: 10 });
    const zero = await config({ type: 'config.set', changes: { catchLocationMaxAgeMinutes: 0 } });
    expect(zero.ok || zero.error).toMatchObject({ code: 'INVALID' });
    const reset = accepted<View>(
      await config({ type: 'config.reset', fields: ['catchLocationMaxAgeMinutes'] }),
    );
    expect(reset.effective.catchLocationMaxAgeMinutes).toBe(5);
    expect(reset.overrides).toEqual({});
  });
});
