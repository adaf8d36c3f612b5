import Database from 'better-sqlite3';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayJournal, type ReplayReport } from '../../src/runtime/replay.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { toStateDocument } from '../../src/store/state-json.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { RuntimeDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, setUpSession } from '../game/support/setup.js';
import { accepted } from '../game/support/world.js';
import { found, removeTempDirs, runCli, tempDir } from '../helpers/index.js';
import { MemoryPeer, openRuntime } from './support.js';

afterEach(() => removeTempDirs());

/** The version before the migration that checkpoints such journals (10). */
const VERSION_BEFORE = 9;

interface OldDirectory {
  readonly dir: string;
  readonly session: number;
  /** Team "Rot", and its two members. */
  readonly team: number;
  readonly member: number;
  readonly teammate: number;
}

/** What the game master did after the set-up, with the driver of the version-9 directory. */
type Play = (d: RuntimeDriver, old: Omit<OldDirectory, 'dir'>) => Promise<void>;

/**
 * The current rules' two steps for what one old `player.remove` did: off the team, then removed. The
 * directory's journal is made to hold the old step alone (see {@link directoryOfVersion9}).
 */
async function removeTeamMember(d: RuntimeDriver, session: number, player: number): Promise<void> {
  accepted(await d.call({ command: { type: 'team.assign', player, team: null }, session }));
  accepted(await d.call({ command: { type: 'player.remove', id: player } }));
}

/**
 * A data directory as version 9 left it: a session with two teams of two, the journal's base the imported
 * catalogue, then what `play` did. A `player.remove` of a team member (or a `player.edit` moving them to
 * another session) took them off the team in the same step before CLUSTER-15; the current code cannot
 * journal that, so `play` takes today's two steps (as {@link removeTeamMember} does) and the journal rows
 * of the first (`team.assign` with no team; the set-up assigns only to teams) are deleted: the stored
 * state is what the old step left, and the journal holds the old step alone.
 */
async function directoryOfVersion9(play: Play): Promise<OldDirectory> {
  const dir = tempDir();
  const d = new RuntimeDriver(dir, zurich(9, 0), await demoCatalogueState());
  const s = await setUpSession(d, { teams: 2, perTeam: 2 });
  const team = found(s.teams[0], 'a team');
  const [member, teammate] = found(s.members.get(team), 'the team’s members');
  const old = {
    session: s.session,
    team,
    member: found(member, 'a member'),
    teammate: found(teammate, 'a teammate'),
  };
  await play(d, old);
  await d.close();
  const db = new Database(join(dir, DATABASE_FILE));
  db.prepare(
    `DELETE FROM journal WHERE json_extract(input, '$.command.type') = 'team.assign'
    AND json_type(input, '$.command.team') = 'null' AND json_extract(input, '$.command.player') = ?`,
  ).run(old.member);
  db.pragma(`user_version = ${VERSION_BEFORE}`);
  db.close();
  return { dir, ...old };
}

/** One value read from a data directory's database without opening (and so migrating) the store. */
function readRaw(dir: string, sql: string): unknown {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare(sql).pluck().get();
  } finally {
    db.close();
  }
}

/** Replay of a store opened without migrating it further: what replay found before the checkpoint. */
function replayUnmigrated(dir: string): ReplayReport {
  const copy = tempDir();
  cpSync(dir, copy, { recursive: true });
  const db = new Database(join(copy, DATABASE_FILE));
  db.pragma(`user_version = ${MIGRATIONS.length}`);
  db.close();
  return withStore(copy, replayJournal);
}

function withStore<T>(dir: string, use: (store: SqliteStore) => T): T {
  const store = SqliteStore.open(dir);
  try {
    return use(store);
  } finally {
    store.close();
  }
}

describe('[DURABILITY-3] a journal whose old rows the current rules refuse is checkpointed at the upgrade (version 10)', () => {
  it('a player.remove of a team member: the migrated state becomes the base, and replay finds it equal', async () => {
    const old = await directoryOfVersion9((d, o) => removeTeamMember(d, o.session, o.member));
    const removeSeq = readRaw(old.dir, 'SELECT MAX(seq) FROM journal');
    // The premise: replayed under the current rules from the old base, the old row is refused.
    expect(replayUnmigrated(old.dir)).toMatchObject({ equal: false, refused: [removeSeq] });

    withStore(old.dir, (store) => {
      const live = store.load();
      expect(live.tables.player.get(old.member)).toMatchObject({ removed: true, session: null });
      expect(live.tables.team.get(old.team)?.players).toEqual([old.teammate]);
      expect(store.journalBaseSeq()).toBe(removeSeq);
      expect(JSON.parse(found(store.journalBase(), 'the journal base'))).toEqual(toStateDocument(live));
      expect(replayJournal(store)).toMatchObject({ entries: 0, equal: true, refused: [] });
    });
    const cli = await runCli(['replay', '--data', old.dir, '--json'], { timeoutMs: 60_000 });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ entries: 0, equal: true, refused: [] });

    // Played on (by a connection of its own: the driver's request ids were answered before): the current
    // rules' two steps are journaled after the checkpoint and replay.
    const runtime = openRuntime(old.dir, new FakeClock(zurich(10, 0)));
    const admin = new MemoryPeer(runtime, 'after-upgrade');
    await admin.call({ type: 'team.assign', player: old.teammate, team: null }, old.session);
    await admin.call({ type: 'player.remove', id: old.teammate });
    await runtime.shutdown();
    withStore(old.dir, (store) => {
      expect(store.journalBaseSeq()).toBe(removeSeq);
      expect(store.load().tables.team.get(old.team)?.players).toEqual([]);
      expect(replayJournal(store)).toMatchObject({ entries: 2, equal: true, refused: [] });
    });
  }, 60_000);

  it('a player.edit that moved a team member to another session: checkpointed likewise', async () => {
    const old = await directoryOfVersion9(async (d, o) => {
      const other = accepted<{ id: number }>(
        await d.call({ command: { type: 'session.add', name: 'Bern' } }),
      );
      accepted(
        await d.call({ command: { type: 'team.assign', player: o.member, team: null }, session: o.session }),
      );
      accepted(await d.call({ command: { type: 'player.edit', id: o.member, session: other.id } }));
    });
    const moveSeq = readRaw(old.dir, 'SELECT MAX(seq) FROM journal');
    expect(replayUnmigrated(old.dir)).toMatchObject({ equal: false, refused: [moveSeq] });
    withStore(old.dir, (store) => {
      expect(store.journalBaseSeq()).toBe(moveSeq);
      expect(replayJournal(store)).toMatchObject({ entries: 0, equal: true, refused: [] });
    });
  });

  it('a journal without such rows keeps its base, and replay from it still verifies', async () => {
    const old = await directoryOfVersion9(async (d, o) => {
      accepted(await d.call({ command: { type: 'player.edit', id: o.member, name: 'Renamed' } }));
    });
    const rows = readRaw(old.dir, 'SELECT COUNT(*) FROM journal');
    const baseBefore = readRaw(old.dir, "SELECT value FROM meta WHERE key = 'journalBase'");
    expect(baseBefore).toEqual(expect.any(String));
    withStore(old.dir, (store) => {
      expect(store.journalBase()).toBe(baseBefore);
      expect(store.journalBaseSeq()).toBe(0);
      expect(replayJournal(store)).toMatchObject({ entries: rows, equal: true, refused: [] });
    });
  });

  it('a journal whose such rows lie before its privacy checkpoint keeps that checkpoint', async () => {
    const old = await directoryOfVersion9(async (d, o) => {
      await removeTeamMember(d, o.session, o.member);
      // An erasure in its steps (CLUSTER-17): off the team, forgotten by the session, erased.
      const teammate = o.teammate;
      accepted(
        await d.call({ command: { type: 'team.assign', player: teammate, team: null }, session: o.session }),
      );
      accepted(await d.call({ command: { type: 'player.forget', player: teammate }, session: o.session }));
      accepted(await d.call({ command: { type: 'player.erase', id: teammate } }));
      accepted(await d.call({ command: { type: 'team.add', name: 'Grün' }, session: o.session }));
    });
    const removeSeq = readRaw(
      old.dir,
      "SELECT seq FROM journal WHERE json_extract(input, '$.command.type') = 'player.remove'",
    );
    const baseSeq = Number(readRaw(old.dir, "SELECT value FROM meta WHERE key = 'journalBaseSeq'"));
    const base = readRaw(old.dir, "SELECT value FROM meta WHERE key = 'journalBase'");
    expect(baseSeq).toBeGreaterThan(Number(removeSeq));
    withStore(old.dir, (store) => {
      expect(store.journalBaseSeq()).toBe(baseSeq);
      expect(store.journalBase()).toBe(base);
      expect(replayJournal(store)).toMatchObject({ entries: 1, equal: true, refused: [] });
    });
  });
});
