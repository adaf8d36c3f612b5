import { describe, expect, it } from 'vitest';
import type { PastGame } from '../../web/admin/src/replay.js';
import { eventsUpTo, replayRange, teamsAt } from '../../web/admin/src/replay.js';
import { found } from '../helpers/index.js';
import { StepDriver } from './support/drivers.js';
import { zurich } from './support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession } from './support/setup.js';
import { accepted, east, fix, HB, north, teamOf, type TeamView } from './support/world.js';

const MINUTE = 60_000;

/**
 * A short game on the pure engine, archived, then the session's next game started (which clears the
 * session's live trail): the past game still has every track and event, and the dashboard's replay puts
 * each team where its track was at a chosen moment, in the role it had then.
 */
describe('a past game replayed', () => {
  it('[PAST-2][PAST-3] keeps its tracks and events after the next game starts; the replay follows them', async () => {
    const d = new StepDriver(zurich(9, 0), 7, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
    const started = accepted<{ teams: TeamView[] }>(
      await d.call({ command: { type: 'game.start' }, session: s.session }),
    );
    const catcher = found(
      started.teams.find((t) => t.role === 'Catcher'),
      'catcher',
    ).id;
    const runner = found(
      started.teams.find((t) => t.role === 'Runner'),
      'runner',
    ).id;
    const paths = new Map([
      [runner, [HB, north(HB, 500), north(HB, 1_000)]],
      [catcher, [east(HB, 300), east(HB, 800), east(HB, 1_300)]],
    ]);
    const sent = new Map<number, { lat: number; lon: number; timestamp: number }[]>();
    for (let step = 0; step < 3; step++) {
      await d.advance(MINUTE);
      for (const [team, path] of paths) {
        const at = found(path[step], `step ${step}`);
        accepted(
          await d.call({
            command: { type: 'location.send', location: fix(at, d.now()) },
            session: s.session,
            as: playerOf(s, team),
          }),
        );
        sent.set(team, [...(sent.get(team) ?? []), { ...at, timestamp: d.now() }]);
      }
    }
    await d.advance(MINUTE); // 09:04
    const offer = found(teamOf(d.state(), runner).offers[0], 'the runner’s hand');
    accepted(
      await d.call({
        command: { type: 'complete', team: runner, challenge: offer.challengeId, periodId: 0 },
        session: s.session,
        as: playerOf(s, runner),
      }),
    );
    await d.advance(2 * MINUTE); // 09:06: the game master catches without the position check (CATCH-6)
    accepted(
      await d.call({
        command: { type: 'catch', catcher, caught: runner, periodId: 0, override: true },
        session: s.session,
      }),
    );
    await d.advance(4 * MINUTE);
    const { pastGame } = accepted<{ pastGame: number }>(
      await d.call({ command: { type: 'game.stop' }, session: s.session }),
    );
    accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
    expect([...d.state().tables.trackPoint.values()]).toEqual([]);

    const past = accepted<PastGame>(await d.call({ command: { type: 'pastGame.get', id: pastGame } }));
    // The catch may add the catcher's position at its time; the points the phones sent come first.
    for (const team of past.teams) expect(team.track.slice(0, 3)).toEqual(sent.get(team.id));
    expect(past.events.map((e) => [e.type, e.team, e.at])).toEqual([
      ['completed', runner, zurich(9, 4)],
      ['caught', runner, zurich(9, 6)],
    ]);
    expect(replayRange(past)).toEqual({ from: zurich(9, 0), to: zurich(9, 10) });

    const at = (moment: number) =>
      teamsAt(past, moment).map(({ team }) => ({
        id: team.id,
        role: team.role,
        location: team.location === null ? null : { lat: team.location.lat, lon: team.location.lon },
      }));
    const pointOf = (team: number, step: number) => found(paths.get(team)?.[step], `point ${step}`);
    expect(at(zurich(9, 0, 30))).toEqual([
      { id: s.teams[0], role: started.teams[0]?.role, location: null },
      { id: s.teams[1], role: started.teams[1]?.role, location: null },
    ]);
    expect(at(zurich(9, 2, 30))).toEqual(
      s.teams.map((id) => ({
        id,
        role: id === runner ? 'Runner' : 'Catcher',
        location: pointOf(id, 1),
      })),
    );
    // After the catch the roles are swapped: the caught team catches.
    expect(at(zurich(9, 7))).toEqual(
      s.teams.map((id) => ({
        id,
        role: id === runner ? 'Catcher' : 'Runner',
        location: pointOf(id, 2),
      })),
    );
    expect(eventsUpTo(past.events, zurich(9, 5)).map((e) => e.type)).toEqual(['completed']);
  });
});
