import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import { partKey, partsOfWrites } from '../../src/engine/parts.js';
import { emptyState, type EngineState } from '../../src/engine/state.js';
import type { StepResult } from '../../src/engine/step.js';
import { MAX_ID_SESSIONS, SESSION_ID_BASE } from '../../src/engine/tx.js';
import type { Command } from '../../src/protocol/commands/index.js';
import type { MutableState } from '../../src/store/store.js';
import { StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession } from '../game/support/setup.js';
import { east, fix, HB } from '../game/support/world.js';
import { found } from '../helpers/index.js';

const SYSTEM: Actor = { kind: 'system' };
const partition: Command = { type: 'ids.partition' };

/** What an accepted step answered. */
function answer<T>(result: StepResult): T {
  if (result.outcome.ok !== true) throw new Error(`refused: ${JSON.stringify(result.outcome)}`);
  return result.outcome.result as T;
}

/** The refused step's error code. */
function refusal(result: StepResult): string {
  if (result.outcome.ok !== false) throw new Error(`accepted: ${JSON.stringify(result.outcome)}`);
  return result.outcome.error.code;
}

const teamAdd = (d: StepDriver, session: number, name: string): StepResult =>
  d.run({ type: 'team.add', name }, session);

describe('[CLUSTER-16] ids per part', () => {
  it('[CLUSTER-16] in the shared space (the default) every table has one counter, as before', async () => {
    const d = new StepDriver(zurich(9, 0), 1, await demoCatalogueState());
    const a = await setUpSession(d, { name: 'A', teams: 2, perTeam: 1 });
    const b = await setUpSession(d, { name: 'B', teams: 1, perTeam: 1 });
    expect(d.state().idSpace).toBe('shared');
    expect([...a.teams, ...b.teams]).toEqual([1, 2, 3]);
    expect(d.state().nextIds.team).toBe(4);
    expect(d.state().sessionIds.size).toBe(0);
  });

  it('[CLUSTER-16] ids.partition switches for good, once: again it writes nothing; only the engine may send it', () => {
    const d = new StepDriver(zurich(9, 0), 2);
    expect(refusal(d.run(partition))).toBe('UNAUTHORISED');
    const first = d.run(partition, undefined, SYSTEM);
    expect(answer(first)).toEqual({ space: 'per-session' });
    expect(first.writes).toEqual([{ op: 'idSpace', space: 'per-session' }]);
    expect(d.state().idSpace).toBe('per-session');
    const again = d.run(partition, undefined, SYSTEM);
    expect(answer(again)).toEqual({ space: 'per-session' });
    expect(again.writes).toEqual([]);
  });

  it('[CLUSTER-16] per session: a session’s records are numbered session × 2^32 + n, global records by the shared counters', async () => {
    const d = new StepDriver(zurich(9, 0), 3, await demoCatalogueState());
    const before = await setUpSession(d, { name: 'Vorher', teams: 1, perTeam: 1 });
    answer(d.run(partition, undefined, SYSTEM));
    const a = await setUpSession(d, { name: 'A', teams: 2, perTeam: 1 });
    const b = await setUpSession(d, { name: 'B', teams: 1, perTeam: 1 });
    // Ids handed out before the switch stay; the shared team counter stops where it was.
    expect(before.teams).toEqual([1]);
    expect(d.state().nextIds.team).toBe(2);
    expect(a.teams).toEqual([a.session * SESSION_ID_BASE + 1, a.session * SESSION_ID_BASE + 2]);
    expect(b.teams).toEqual([b.session * SESSION_ID_BASE + 1]);
    // Players and sessions are global: shared counters, one after the other across sessions.
    expect(b.session).toBe(a.session + 1);
    expect(found(b.players[0], 'a player of B')).toBe(found(a.players[1], 'the last player of A') + 1);
    expect(d.state().sessionIds.get(`team:${a.session}`)).toBe(3);
  });

  it('[CLUSTER-16] per session: location reports number their track points, timers and past games by session', async () => {
    const d = new StepDriver(zurich(9, 0), 4, await demoCatalogueState());
    answer(d.run(partition, undefined, SYSTEM));
    const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
    answer(d.run({ type: 'game.start' }, s.session));
    const base = s.session * SESSION_ID_BASE;
    const runner = found(
      s.teams.find((t) => d.state().tables.team.get(t)?.role === 'Runner'),
      'the runner team',
    );
    for (const metres of [0, 500, 1000]) {
      d.advanceSync(60_000);
      answer(
        d.run(
          { type: 'location.send', location: fix(east(HB, metres), d.now()) },
          s.session,
          playerOf(s, runner),
        ),
      );
    }
    const points = [...d.state().tables.trackPoint.values()].map((p) => p.id);
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points.every((id) => Math.floor(id / SESSION_ID_BASE) === s.session)).toBe(true);
    expect(points).toEqual(points.map((_, i) => base + 1 + i));
    const timers = [...d.state().tables.timer.keys()];
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.every((id) => Math.floor(id / SESSION_ID_BASE) === s.session)).toBe(true);
    answer(d.run({ type: 'game.stop' }, s.session));
    expect([...d.state().tables.pastGame.keys()]).toEqual([base + 1]);
    expect(d.state().nextIds.trackPoint).toBe(1);
  });

  it('[CLUSTER-16] the switch is refused while a table has handed out an id of 2^32 or more, and changes nothing', () => {
    const state = emptyState() as unknown as MutableState;
    state.nextIds.trackPoint = SESSION_ID_BASE + 1;
    const d = new StepDriver(zurich(9, 0), 5, state);
    const result = d.run(partition, undefined, SYSTEM);
    expect(refusal(result)).toBe('IDS_EXHAUSTED');
    expect(result.writes).toEqual([]);
    expect(d.state().idSpace).toBe('shared');
  });

  it('[CLUSTER-16] a session id of 2^21 or more, or a counter past 2^32 − 1, is refused with IDS_EXHAUSTED', async () => {
    const state = await demoCatalogueState();
    state.nextIds.session = MAX_ID_SESSIONS - 1;
    const d = new StepDriver(zurich(9, 0), 6, state);
    answer(d.run(partition, undefined, SYSTEM));
    const last = answer<{ id: number }>(d.run({ type: 'session.add', name: 'Letzte' })).id;
    const tooLarge = answer<{ id: number }>(d.run({ type: 'session.add', name: 'Zu gross' })).id;
    expect(tooLarge).toBe(MAX_ID_SESSIONS);
    // The last session with ids of its own: its largest id is still a safe integer.
    (d.state() as unknown as MutableState).sessionIds.set(`team:${last}`, SESSION_ID_BASE - 1);
    const highest = answer<{ id: number }>(teamAdd(d, last, 'Höchste')).id;
    expect(highest).toBe(last * SESSION_ID_BASE + SESSION_ID_BASE - 1);
    expect(Number.isSafeInteger(highest)).toBe(true);
    const unchanged = JSON.stringify(snapshot(d.state()));
    expect(refusal(teamAdd(d, last, 'Eine zu viel'))).toBe('IDS_EXHAUSTED');
    expect(refusal(teamAdd(d, tooLarge, 'Zu gross'))).toBe('IDS_EXHAUSTED');
    expect(JSON.stringify(snapshot(d.state()))).toBe(unchanged);
  });

  it('[CLUSTER-16] per session, a session’s counter is its part and a shared counter the global part', () => {
    const shared = emptyState();
    const counters = [
      { op: 'nextId', table: 'team', next: 2, session: 3 },
      { op: 'nextId', table: 'player', next: 9 },
    ] as const;
    expect(partsOfWrites(counters, shared).map(partKey)).toEqual(['session:3']);
    const partitioned: EngineState = { ...shared, idSpace: 'per-session' };
    expect(partsOfWrites(counters, partitioned).map(partKey).sort()).toEqual(['global', 'session:3']);
    expect(partsOfWrites([{ op: 'idSpace', space: 'per-session' }], shared).map(partKey)).toEqual(['global']);
  });
});

/** What a refusal must leave alone: the records and every counter. */
const snapshot = (state: EngineState) => ({
  teams: [...state.tables.team.keys()],
  nextIds: state.nextIds,
  sessionIds: [...state.sessionIds],
});
