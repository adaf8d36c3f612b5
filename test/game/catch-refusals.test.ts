import { afterEach, describe, expect, it } from 'vitest';
import type { CatchRefusal } from '../../src/protocol/catch-refusals.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { found } from '../helpers/found.js';
import { removeTempDirs, tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import { RuntimeDriver, StepDriver, type GameDriver } from './support/drivers.js';
import { zurich } from './support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession, type SessionSetup } from './support/setup.js';
import { accepted, east, fix, HB, refusedWith, teamOf, type TeamView } from './support/world.js';

const MINUTE = 60_000;
const open: RuntimeDriver[] = [];

afterEach(async () => {
  for (const driver of open.splice(0)) await driver.close();
  removeTempDirs();
});

interface Game {
  readonly s: SessionSetup;
  readonly catcher: TeamView;
  readonly runner: TeamView;
}

/** Two one-player teams, one catcher; the runner reported its location at HB `ageMs` before now. */
async function startGame(d: GameDriver, ageMs: number): Promise<Game> {
  const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
  const started = accepted<{ teams: TeamView[] }>(
    await d.call({ command: { type: 'game.start' }, session: s.session }),
  );
  const catcher = started.teams.find((t) => t.role === 'Catcher') as TeamView;
  const runner = started.teams.find((t) => t.role === 'Runner') as TeamView;
  const location = fix(HB, d.now() - ageMs);
  accepted(
    await d.call({
      command: { type: 'location.send', location },
      session: s.session,
      as: playerOf(s, runner.id),
    }),
  );
  return { s, catcher, runner };
}

/** The catcher's player catches the runner from 100 m away, with a fresh position. */
function playerCatch(d: GameDriver, g: Game) {
  const command = {
    type: 'catch',
    catcher: g.catcher.id,
    caught: g.runner.id,
    periodId: 0,
    position: fix(east(HB, 100), d.now()),
  } as const;
  return d.call({ command, session: g.s.session, as: playerOf(g.s, g.catcher.id) });
}

const refusals = async (d: GameDriver, g: Game): Promise<CatchRefusal[]> =>
  accepted<CatchRefusal[]>(await d.call({ command: { type: 'catch.refusals' }, session: g.s.session }));

describe('refused catches on record for the game masters', () => {
  it('[CATCH-7] a catch refused for a stale location is recorded and told to the admins only; the refused step changes nothing', async () => {
    const d = new StepDriver(zurich(9, 30), 7, await demoCatalogueState());
    const g = await startGame(d, 8 * MINUTE);
    const catcherBefore = teamOf(d.state(), g.catcher.id);
    const runnerBefore = teamOf(d.state(), g.runner.id);
    const reply = await playerCatch(d, g);
    expect(refusedWith(reply)).toBe('TARGET_LOCATION_STALE');
    // The refused step itself writes and broadcasts nothing (DURABILITY-2): the record is its own step.
    expect(d.last?.writes).toEqual([]);
    expect(d.last?.broadcasts).toEqual([]);
    expect(teamOf(d.state(), g.catcher.id)).toEqual(catcherBefore);
    expect(teamOf(d.state(), g.runner.id)).toEqual(runnerBefore);
    const expected = {
      catcher: g.catcher.id,
      caught: g.runner.id,
      by: found(g.s.members.get(g.catcher.id)?.[0], 'the catcher’s player'),
      reason: { code: 'TARGET_LOCATION_STALE', ageMs: 8 * MINUTE },
      maxAgeMinutes: 5,
      at: d.now(),
    };
    const [listed, ...more] = await refusals(d, g);
    expect(more).toEqual([]);
    expect(listed).toMatchObject(expected);
    const notice = d.log.filter((b) => b.event.type === 'catch.refused');
    expect(notice).toEqual([
      { session: g.s.session, audience: 'admins', event: { type: 'catch.refused', refusal: listed } },
    ]);
    for (const player of g.s.players)
      expect(d.seenBy(player).filter((e) => e.type === 'catch.refused')).toEqual([]);
  });

  it('[CATCH-7] the distance of a catch refused as too far is on record; a player cannot list refusals', async () => {
    const d = new StepDriver(zurich(9, 30), 8, await demoCatalogueState());
    const g = await startGame(d, 0);
    const command = {
      type: 'catch',
      catcher: g.catcher.id,
      caught: g.runner.id,
      periodId: 0,
      position: fix(east(HB, 450), d.now()),
    } as const;
    const reply = await d.call({ command, session: g.s.session, as: playerOf(g.s, g.catcher.id) });
    expect(refusedWith(reply)).toBe('TEAMS_TOO_FAR');
    const [listed] = await refusals(d, g);
    expect(listed?.reason.code).toBe('TEAMS_TOO_FAR');
    expect(listed?.reason.metres).toBeCloseTo(450, 0);
    const asPlayer = await d.call({
      command: { type: 'catch.refusals' },
      session: g.s.session,
      as: playerOf(g.s, g.runner.id),
    });
    expect(refusedWith(asPlayer)).toBe('UNAUTHORISED');
  });

  it('[CATCH-7] the game master’s override catch settles the refusal; the end of the game drops the rest', async () => {
    const d = new StepDriver(zurich(9, 30), 9, await demoCatalogueState());
    const g = await startGame(d, 8 * MINUTE);
    expect(refusedWith(await playerCatch(d, g))).toBe('TARGET_LOCATION_STALE');
    expect(await refusals(d, g)).toHaveLength(1);
    const override = {
      type: 'catch',
      catcher: g.catcher.id,
      caught: g.runner.id,
      periodId: 0,
      override: true,
    } as const;
    accepted(await d.call({ command: override, session: g.s.session }));
    expect(teamOf(d.state(), g.catcher.id).role).toBe('Runner');
    expect(await refusals(d, g)).toEqual([]);
    // After the grace (15 min), the team just caught tries back, refused: on record until the game ends.
    d.advanceSync(16 * MINUTE);
    const back = { type: 'catch', catcher: g.runner.id, caught: g.catcher.id, periodId: 1 } as const;
    const position = fix(HB, d.now());
    const refused = await d.call({
      command: { ...back, position },
      session: g.s.session,
      as: playerOf(g.s, g.runner.id),
    });
    expect(refusedWith(refused)).toMatch(/^TARGET_LOCATION_/);
    expect(await refusals(d, g)).toHaveLength(1);
    accepted(await d.call({ command: { type: 'game.stop' }, session: g.s.session }));
    expect(await refusals(d, g)).toEqual([]);
  });

  it('[CATCH-7] through the real runtime: recorded after the refusal’s answer, and the journal replays equal', async () => {
    const d = new RuntimeDriver(tempDir(), zurich(9, 30), await demoCatalogueState());
    open.push(d);
    const g = await startGame(d, 8 * MINUTE);
    expect(refusedWith(await playerCatch(d, g))).toBe('TARGET_LOCATION_STALE');
    await waitFor(() => d.broadcasts().some((b) => b.event.type === 'catch.refused'), 5_000, 'the notice');
    expect(await refusals(d, g)).toHaveLength(1);
    expect(d.seenBy(found(g.s.players[0], 'a player')).some((e) => e.type === 'catch.refused')).toBe(false);
    const report = replayJournal(d.store);
    expect(report.refused).toEqual([]);
    expect(report.equal).toBe(true);
  });
});

describe('a team sitting still', () => {
  it('[LOCATION-2] stays catchable: its unchanged coordinates are taken again a minute after the last report', async () => {
    const d = new StepDriver(zurich(9, 30), 7, await demoCatalogueState());
    const g = await startGame(d, 0);
    const runner = playerOf(g.s, g.runner.id);
    const taken: boolean[] = [];
    // Six minutes in a café: the phone reports the same coordinates every 10 s.
    for (let i = 0; i < 36; i++) {
      await d.advance(10_000);
      const location = fix(HB, d.now());
      const reply = await d.call({
        command: { type: 'location.send', location },
        session: g.s.session,
        as: runner,
      });
      taken.push(accepted<{ accepted: boolean }>(reply).accepted);
    }
    // Ignored as the same position, except once a minute, which keeps the team's location fresh.
    expect(taken.filter(Boolean)).toHaveLength(6);
    expect(taken.slice(0, 6)).toEqual([false, false, false, false, false, true]);
    expect(d.now() - (teamOf(d.state(), g.runner.id).location?.timestamp ?? 0)).toBeLessThanOrEqual(MINUTE);
    accepted(await playerCatch(d, g));
  });
});
