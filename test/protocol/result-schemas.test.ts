import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMAND_DEFS, type Command, type CommandType } from '../../src/protocol/commands/index.js';
import type { GenerationResult } from '../../src/protocol/generation.js';
import { StepDriver, type Reply } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession } from '../game/support/setup.js';
import { accepted, type TeamView } from '../game/support/world.js';

/**
 * The result schemas are the types clients get: every result the engine really returns must decode with
 * its command's schema to the very same value (a field the schema lacks would be stripped, a wrong type
 * refused), and no schema may leave a part of a result untyped.
 */

const ADMIN = { kind: 'admin' } as const;

const resultSchema = (type: CommandType): z.ZodType => {
  const def = COMMAND_DEFS.find((d) => d.type === type);
  if (def === undefined) throw new Error(`no command ${type}`);
  return def.result;
};

/** The accepted result of a reply, checked against its command's result schema. */
function decoded<T>(type: CommandType, reply: Reply): T {
  const result = accepted<T>(reply, type);
  const parsed = resultSchema(type).safeParse(result);
  if (!parsed.success) throw new Error(`${type}: ${z.prettifyError(parsed.error)}`);
  expect(parsed.data).toEqual(result);
  return result;
}

/** Paths inside a JSON Schema where any value would do (`{}`): a hole in the types. */
function untypedPaths(node: unknown, path = '$'): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => untypedPaths(item, `${path}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  const entries = Object.entries(node);
  const holes = entries
    .filter(([key, value]) => key !== 'properties' && isEmptyObject(value))
    .map(([key]) => `${path}.${key}`);
  return [...holes, ...entries.flatMap(([key, value]) => untypedPaths(value, `${path}.${key}`))];
}

const isEmptyObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

describe('result schemas', () => {
  it('leave no part of any result untyped', () => {
    const holes = COMMAND_DEFS.flatMap((def) =>
      untypedPaths(z.toJSONSchema(def.result, { io: 'output', unrepresentable: 'any' })).map(
        (path) => `${def.type} ${path}`,
      ),
    );
    expect(holes).toEqual([]);
  });

  it('the hole finder finds an unknown part', () => {
    const schema = z.object({ a: z.number(), b: z.array(z.unknown()) });
    expect(untypedPaths(z.toJSONSchema(schema, { unrepresentable: 'any' }))).toEqual([
      '$.properties.b.items',
    ]);
  });
});

describe('challenge.preview decodes as the engine computes it', () => {
  let d: StepDriver;
  let zone: number;

  beforeAll(async () => {
    d = new StepDriver(zurich(8, 0), 3, await demoCatalogueState());
    // Give every challenge an action, so that offers carry both kinds of it.
    const ids = [...d.state().tables.challenge.keys()];
    ids.forEach((id, i) => {
      const action =
        i % 2 === 0
          ? { type: 'UncompletableMinutes' as const, minutes: i % 4 === 0 ? null : 20 }
          : { type: 'Trap' as const, stuckMinutes: 5, catcherMessage: i % 3 === 0 ? null : 'Gotcha' };
      const edit = { type: 'challenge.edit' as const, id, changes: { action } };
      expect(d.exec({ command: edit, actor: ADMIN, session: undefined }).outcome.ok).toBe(true);
    });
    zone = Math.min(...d.state().tables.zone.keys());
  });

  const preview = async (at: number, timeZone = 'Europe/Zurich'): Promise<GenerationResult> =>
    decoded<GenerationResult>(
      'challenge.preview',
      await d.call({
        command: {
          type: 'challenge.preview',
          zone,
          at,
          timeZone,
          seed: 11,
          config: { timeWiggleMinutes: 0 },
          points: 100,
          topScore: 2000,
        },
      }),
    );

  it('in every phase of the day, with every term of the breakdown', async () => {
    const times = [zurich(9, 5), zurich(11, 0), zurich(14, 15), zurich(15, 45), zurich(16, 50)];
    const results = await Promise.all(times.map((at) => preview(at)));
    expect(results.map((r) => r.phase?.phase.kind)).toEqual([
      'Specific',
      'Normal',
      'Perimeter',
      'ZKaff',
      'EndGame',
    ]);
    const offers = results.flatMap((r) => r.offers);
    const breakdowns = results.flatMap((r) => r.breakdowns);
    expect(breakdowns.length).toBe(offers.length);
    expect(offers.length).toBeGreaterThan(5);
    expect(new Set(offers.map((o) => o.action?.type))).toEqual(new Set(['UncompletableMinutes', 'Trap']));
    expect(breakdowns.some((b) => b.zone !== null)).toBe(true);
    expect(breakdowns.some((b) => b.zkaff !== null)).toBe(true);
    expect(breakdowns.some((b) => b.underdog !== null && b.underdog.factor > 1)).toBe(true);
  });

  it('without a phase when the time zone is unknown', async () => {
    const result = await preview(zurich(11, 0), 'Nowhere/Atlantis');
    expect(result.phase).toBeNull();
    expect(result.problems.length).toBeGreaterThan(0);
  });
});

describe('game results decode as the engine returns them', () => {
  it('from the start through a completion and a catch to the archive', async () => {
    const d = new StepDriver(zurich(9, 0), 5, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 3, perTeam: 1, config: { numCatchers: 1 } });
    const at = { session: s.session };
    const game = decoded<{ teams: TeamView[] }>(
      'game.start',
      await d.call({ command: { type: 'game.start' }, ...at }),
    );
    const catcher = game.teams.find((t) => t.role === 'Catcher') as TeamView;
    const [runner, other] = game.teams.filter((t) => t.role === 'Runner') as [TeamView, TeamView];
    const offer = runner.offers[0];
    if (offer === undefined) throw new Error('the runner was dealt no hand');

    await d.advance(20 * 60_000);
    const byTeam = (team: number, command: Command): Promise<Reply> =>
      d.call({ command, ...at, as: playerOf(s, team) });
    const completion = {
      type: 'complete',
      team: runner.id,
      challenge: offer.challengeId,
      periodId: 0,
    } as const;
    decoded('complete', await byTeam(runner.id, completion));
    // A game master's catch: the position check (CATCH-6) is not what this test is about.
    const capture = {
      type: 'catch',
      catcher: catcher.id,
      caught: other.id,
      periodId: 0,
      override: true,
    } as const;
    decoded('catch', await d.call({ command: capture, ...at }));
    decoded('session.state', await d.call({ command: { type: 'session.state' }, ...at }));
    decoded('team.list', await d.call({ command: { type: 'team.list' }, ...at }));
    const events = decoded<{ type: string }[]>(
      'event.list',
      await d.call({ command: { type: 'event.list' }, ...at }),
    );
    expect(events.map((e) => e.type).sort()).toEqual(['caught', 'completed']);
    const { pastGame } = decoded<{ pastGame: number }>(
      'game.stop',
      await d.call({ command: { type: 'game.stop' }, ...at }),
    );
    decoded('pastGame.get', await d.call({ command: { type: 'pastGame.get', id: pastGame } }));
  });
});
