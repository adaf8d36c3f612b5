import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamRecord } from '../../src/engine/game/types.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { toRows } from '../../src/store/commit-rows.js';
import { PeriodTracker, type PeriodRow } from '../../src/store/period-rows.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { stateHash } from '../../src/store/state-json.js';
import { found, removeTempDirs, tempDir } from '../helpers/index.js';
import { MemoryPeer, RuntimeDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession, type SessionSetup } from '../game/support/setup.js';
import { accepted, fix, HB, north } from '../game/support/world.js';
import { LOGS_OF_VERSION_7 } from './support.js';

const open: RuntimeDriver[] = [];
afterEach(async () => {
  for (const driver of open.splice(0)) await driver.close();
  removeTempDirs();
});

async function driverIn(dir: string, initial?: boolean, start = zurich(9, 5)): Promise<RuntimeDriver> {
  const driver = new RuntimeDriver(dir, start, initial === true ? await demoCatalogueState() : undefined);
  open.push(driver);
  return driver;
}

const teamsOf = (d: RuntimeDriver): TeamRecord[] => [...d.state().tables.team.values()];

/** A running game in which each team has had periods: completions and a catch. */
async function playedGame(d: RuntimeDriver): Promise<SessionSetup> {
  const s = await setUpSession(d, { teams: 3, perTeam: 1, config: { numCatchers: 1 } });
  accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
  for (const round of [1, 2]) {
    for (const team of teamsOf(d).filter((t) => t.role === 'Runner')) {
      const challenge = found(team.offers[0], `an offer of team ${team.id}`).challengeId;
      const command = { type: 'complete', team: team.id, challenge, periodId: team.periods.length } as const;
      accepted(await d.call({ command, session: s.session, as: playerOf(s, team.id) }), `complete ${round}`);
    }
    await d.advance(60_000);
  }
  const catcher = found(
    teamsOf(d).find((t) => t.role === 'Catcher'),
    'the catcher',
  );
  const caught = found(
    teamsOf(d).find((t) => t.role === 'Runner'),
    'a runner',
  );
  const command = {
    type: 'catch',
    catcher: catcher.id,
    caught: caught.id,
    periodId: catcher.periods.length,
    override: true,
  } as const;
  accepted(await d.call({ command, session: s.session }), 'catch');
  return s;
}

interface Rows {
  teams: Map<number, Record<string, unknown>>;
  periods: Map<string, string>;
}

function readRows(dir: string): Rows {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    const teams = db.prepare("SELECT id, doc FROM entity WHERE kind = 'team'").all() as {
      id: number;
      doc: string;
    }[];
    const periods = db.prepare('SELECT team, idx, doc FROM period').all() as {
      team: number;
      idx: number;
      doc: string;
    }[];
    return {
      teams: new Map(teams.map((t) => [t.id, JSON.parse(t.doc) as Record<string, unknown>])),
      periods: new Map(periods.map((p) => [`${p.team}/${p.idx}`, p.doc])),
    };
  } finally {
    db.close();
  }
}

/** Turns a store back into the layout of version 6: every team's periods inside its entity row, whole frames logged. */
function toVersion6(dir: string): void {
  const db = new Database(join(dir, DATABASE_FILE));
  try {
    const { teams, periods } = readRows(dir);
    const put = db.prepare("UPDATE entity SET doc = ? WHERE kind = 'team' AND id = ?");
    for (const [id, core] of teams) {
      const list = Array.from(
        { length: core.periods as number },
        (_, index) =>
          JSON.parse(found(periods.get(`${id}/${index}`), `period ${index} of team ${id}`)) as unknown,
      );
      put.run(JSON.stringify({ ...core, periods: list }), id);
    }
    db.exec('DROP TABLE period');
    db.exec(LOGS_OF_VERSION_7);
    db.pragma('user_version = 6');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The period rows a commit of one team write makes, with the tracker given. */
const periodRowsOf = (team: TeamRecord, tracker: PeriodTracker): PeriodRow[] =>
  toRows(
    {
      writes: [{ op: 'put', table: 'team', id: team.id, doc: team }],
      broadcasts: [],
      journal: [],
      answers: [],
    },
    tracker,
  ).periods;

describe('periods in rows of their own', () => {
  it('a commit carries only the periods that changed, found by identity', async () => {
    const d = await driverIn(tempDir(), true);
    await playedGame(d);
    const team = found(
      teamsOf(d).find((t) => t.periods.length > 1),
      'a team with periods',
    );
    const moved = { ...team, location: null };
    expect(periodRowsOf(moved, new PeriodTracker(teamsOf(d)))).toEqual([]);
    const [last] = team.periods.slice(-1);
    const picture = { ...found(last, 'the last period'), pictures: [7] };
    const pictured = { ...team, periods: [...team.periods.slice(0, -1), picture] };
    expect(periodRowsOf(pictured, new PeriodTracker(teamsOf(d)))).toEqual([
      [team.id, team.periods.length - 1, JSON.stringify(picture)],
    ]);
    const undone = { ...team, periods: team.periods.slice(0, -1) };
    expect(periodRowsOf(undone, new PeriodTracker(teamsOf(d)))).toEqual([
      [team.id, team.periods.length - 1, null],
    ]);
    // A team it does not know has every period written, and any stored beyond them deleted.
    expect(periodRowsOf(team, new PeriodTracker())).toEqual([
      ...team.periods.map((p, index) => [team.id, index, JSON.stringify(p)]),
      [team.id, team.periods.length, null],
    ]);
  });

  it('a location update writes no period; a completion writes one; an undo deletes one', async () => {
    const dir = tempDir();
    const d = await driverIn(dir, true);
    const s = await playedGame(d);
    const before = readRows(dir);
    const runner = found(
      teamsOf(d).find((t) => t.role === 'Runner' && t.grace === null),
      'a runner out of grace',
    );
    expect(runner.periods.length).toBeGreaterThan(0);
    expect(before.periods.size).toBe(teamsOf(d).reduce((sum, t) => sum + t.periods.length, 0));
    // The team's core row counts its periods and holds none of them.
    expect(found(before.teams.get(runner.id), 'the runner row').periods).toBe(runner.periods.length);

    const location = fix(north(HB, 50), d.now());
    const as = playerOf(s, runner.id);
    accepted(await d.call({ command: { type: 'location.send', location }, session: s.session, as }));
    const moved = readRows(dir);
    expect(moved.periods).toEqual(before.periods);
    expect(found(moved.teams.get(runner.id), 'the runner row').location).toMatchObject({ lat: location.lat });

    const challenge = found(runner.offers[0], 'an offer').challengeId;
    const complete = {
      type: 'complete',
      team: runner.id,
      challenge,
      periodId: runner.periods.length,
    } as const;
    accepted(await d.call({ command: complete, session: s.session, as }));
    const completed = readRows(dir);
    expect(completed.periods.size).toBe(before.periods.size + 1);
    expect(
      JSON.parse(found(completed.periods.get(`${runner.id}/${runner.periods.length}`), 'new row')),
    ).toEqual(found(d.state().tables.team.get(runner.id), 'the runner').periods.at(-1));

    accepted(await d.call({ command: { type: 'correction.undo', team: runner.id }, session: s.session }));
    expect(readRows(dir).periods).toEqual(before.periods);
    const report = replayJournal(d.store);
    expect(report.refused).toEqual([]);
    expect(report.liveHash).toBe(stateHash(d.state()));
    expect(report.equal).toBe(true);
  });

  it('a store of version 6 (periods inside the team rows) opens with the same state, and plays on', async () => {
    const dir = tempDir();
    const first = await driverIn(dir, true);
    const s = await playedGame(first);
    const hash = stateHash(first.state());
    const later = first.now() + 60_000;
    const periodRows = readRows(dir).periods;
    await first.close();
    open.splice(open.indexOf(first), 1);
    toVersion6(dir);

    const store = SqliteStore.open(dir);
    expect(stateHash(store.load())).toBe(hash);
    store.close();
    expect(readRows(dir).periods).toEqual(periodRows);

    const second = await driverIn(dir, false, later);
    const runner = found(
      teamsOf(second).find((t) => t.role === 'Runner' && t.grace === null),
      'a runner out of grace',
    );
    // A connection of its own: the first runtime's stored answers would answer the driver's request ids.
    const player = found(s.members.get(runner.id)?.[0], 'a runner player');
    const peer = new MemoryPeer(second.runtime, 'after-migration', { kind: 'player', player }, s.session);
    const location = fix(north(HB, 80), second.now());
    accepted(await peer.answer(peer.submit({ type: 'location.send', location }, s.session)));
    const challenge = found(runner.offers[0], 'an offer').challengeId;
    const complete = {
      type: 'complete',
      team: runner.id,
      challenge,
      periodId: runner.periods.length,
    } as const;
    accepted(await peer.answer(peer.submit(complete, s.session)));
    expect(readRows(dir).periods.size).toBe(periodRows.size + 1);
    const report = replayJournal(second.store);
    expect(report.refused).toEqual([]);
    expect(report.equal).toBe(true);
    expect(report.liveHash).toBe(stateHash(second.state()));
  });

  it('[DURABILITY-5] a team whose period rows are missing is refused by name', async () => {
    const dir = tempDir();
    const d = await driverIn(dir, true);
    await playedGame(d);
    const team = found(
      teamsOf(d).find((t) => t.periods.length > 1),
      'a team with periods',
    );
    await d.close();
    open.splice(0);
    const db = new Database(join(dir, DATABASE_FILE));
    db.prepare('DELETE FROM period WHERE team = ? AND idx = 0').run(team.id);
    db.close();
    const store = SqliteStore.open(dir);
    try {
      expect(() => store.load()).toThrow(`Period 0 of team ${team.id} is missing`);
    } finally {
      store.close();
    }
  });
});
