import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/engine/rng.js';
import type { Command } from '../../src/protocol/commands/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { PassphraseSealer } from '../../src/runtime/passphrase.js';
import { hashPlayerToken } from '../../src/runtime/player-tokens.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { actorOfToken } from '../../src/runtime/tokens.js';
import { encodeResponse } from '../../src/protocol/encode.js';
import { readJournalInput } from '../../src/store/journal-input.js';
import { readJournal } from '../../src/store/journal-query.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { withoutSessionFields } from '../../src/store/position-migration.js';
import { DATABASE_FILE, LATEST_LOCATIONS, SqliteStore } from '../../src/store/sqlite-store.js';
import type { LatestLocation } from '../../src/store/store.js';
import { fromStateDocument, stateHash, toStateDocument } from '../../src/store/state-json.js';
import { RuntimeDriver, StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, setUpSession } from '../game/support/setup.js';
import { accepted, fix, HB } from '../game/support/world.js';
import { found, removeTempDirs, tempDir } from '../helpers/index.js';
import { LOGS_OF_VERSION_7, MemoryPeer, openRuntime } from './support.js';

afterEach(() => removeTempDirs());

/** A logged broadcast frame as versions before 8 kept it: an announcement `text <seq>`. */
const announcementFrame = (stream: string, seq: number, at: number): string =>
  JSON.stringify({
    type: 'broadcast',
    session: stream === 'global' ? null : Number(stream),
    seq,
    at,
    event: { type: 'announcement', text: `text ${seq}` },
  });

/** A store in a fresh data directory as version `version` wrote it (its first migrations only). */
function storeOfVersion(version: number): { dir: string; old: Database.Database } {
  const dir = tempDir();
  const old = new Database(join(dir, DATABASE_FILE));
  old.pragma('journal_mode = WAL');
  for (const migration of MIGRATIONS.slice(0, version)) {
    if (typeof migration === 'string') old.exec(migration);
    else migration(old);
  }
  old.pragma(`user_version = ${version}`);
  return { dir, old };
}

describe('migrations', () => {
  it('a store written by an older version opens at the newest one and keeps its answered requests', () => {
    const { dir, old } = storeOfVersion(2);
    old
      .prepare('INSERT INTO answered (client, request, at, response) VALUES (?, ?, ?, ?)')
      .run('admin/c-1', 'r-1', 1, '{"type":"response","id":"r-1","ok":true,"result":1}');
    old.close();

    const store = SqliteStore.open(dir);
    try {
      // Kept without its envelope since version 8; sent again in it (encodeResponse), as it was.
      expect(store.keptAnswer('admin/c-1', 'r-1')).toBe('{"ok":true,"result":1}');
      expect(encodeResponse('r-1', found(store.keptAnswer('admin/c-1', 'r-1'), 'the answer'))).toBe(
        '{"type":"response","id":"r-1","ok":true,"result":1}',
      );
      expect(store.answeredKeysAfter(undefined, 10)).toEqual([
        { at: 1, clientKey: 'admin/c-1', requestId: 'r-1' },
      ]);
    } finally {
      store.close();
    }
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const key = db
        .prepare("SELECT name FROM pragma_index_info('sqlite_autoindex_answered_1')")
        .pluck()
        .all();
      expect(key).toEqual(['request', 'client']);
    } finally {
      db.close();
    }
  });

  it('broadcasts logged with an audience get the recipients it meant, and can be resumed', () => {
    const { dir, old } = storeOfVersion(3);
    const player = old.prepare("INSERT INTO entity (kind, id, doc) VALUES ('player', ?, ?)");
    for (const [id, team] of [
      [1, 10],
      [2, 10],
      [3, 20],
      [4, null],
    ])
      player.run(id, JSON.stringify({ id, name: `P${id}`, session: 1, team }));
    const log = old.prepare(
      "INSERT INTO broadcast (stream, seq, at, audience, message) VALUES ('1', ?, 0, ?, ?)",
    );
    // As versions before wrote them: bare words first, then JSON.
    const audiences = ['all', 'admins', '"all"', '"admins"', '{"exceptTeams":[10]}', '{"exceptTeams":[]}'];
    audiences.forEach((audience, index) =>
      log.run(index + 1, audience, announcementFrame('1', index + 1, 0)),
    );
    old.close();

    const store = SqliteStore.open(dir);
    try {
      expect(store.broadcastsSince('1', 0, 10).map((b) => b.recipients)).toEqual([
        { to: 'stream', exceptPlayers: [] },
        { to: 'admins' },
        { to: 'stream', exceptPlayers: [] },
        { to: 'admins' },
        { to: 'stream', exceptPlayers: [1, 2] },
        { to: 'stream', exceptPlayers: [] },
      ]);
    } finally {
      store.close();
    }
  });
});

describe('[AUTH-8] the migration to hashed player tokens', () => {
  /**
   * A data directory as a version before AUTH-8 left it after a login: the token in plain text in its
   * record and in the stored answer, and derivable from the journaled seed (the old login drew it first).
   */
  async function legacyLogin(): Promise<{ dir: string; token: string }> {
    const dir = tempDir();
    const runtime = openRuntime(dir, new FakeClock());
    const admin = new MemoryPeer(runtime, 'admin');
    const sealer = new PassphraseSealer(randomBytes(32));
    const session = await admin.call<{ id: number }>({ type: 'session.add', name: 'Zug' });
    const seal = (command: Command): Command => sealer.sealCommand(command);
    await admin.call(
      seal({ type: 'player.add', name: 'Anna', passphrase: 'anna-passphrase', session: session.id }),
    );
    await admin.call(seal({ type: 'auth.login', passphrase: 'anna-passphrase' }));
    await runtime.shutdown();

    const db = new Database(join(dir, DATABASE_FILE));
    db.exec(LOGS_OF_VERSION_7);
    const login = db.prepare(`SELECT seq, input FROM journal WHERE input LIKE '%"auth.login"%'`).get() as {
      seq: number;
      input: string;
    };
    // Logins journal no seed now (they draw nothing from it): the legacy login drew its token from one.
    const { tokenHash: _hash, ...input } = JSON.parse(login.input) as { seed?: string; tokenHash: string };
    const seed = input.seed ?? randomBytes(16).toString('hex');
    const token = seededRng(seed).hex(24);
    db.prepare('UPDATE journal SET input = ? WHERE seq = ?').run(
      JSON.stringify({ ...input, seed }),
      login.seq,
    );
    const record = db.prepare("SELECT id, doc FROM entity WHERE kind = 'token'").get() as {
      id: number;
      doc: string;
    };
    const { tokenHash: _stored, ...doc } = JSON.parse(record.doc) as { tokenHash: string };
    db.prepare("UPDATE entity SET doc = ? WHERE kind = 'token' AND id = ?").run(
      JSON.stringify({ ...doc, token }),
      record.id,
    );
    db.prepare('INSERT INTO answered (client, request, at, response) VALUES (?, ?, ?, ?)').run(
      'guest/1',
      'login-1',
      1,
      JSON.stringify({ type: 'response', id: 'login-1', ok: true, result: { token, player: {} } }),
    );
    db.pragma('user_version = 4');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(readFileSync(join(dir, DATABASE_FILE)).includes(token)).toBe(true);
    return { dir, token };
  }

  it('keeps only the hash, keeps the login working, drops the stored answer, and replay still verifies', async () => {
    const { dir, token } = await legacyLogin();
    const store = SqliteStore.open(dir);
    try {
      const state = store.load();
      expect([...state.tables.token.values()]).toEqual([
        expect.objectContaining({ tokenHash: hashPlayerToken(token) }),
      ]);
      expect(actorOfToken(state, 'some admin token', token)).toMatchObject({ kind: 'player' });
      expect(store.keptAnswer('guest/1', 'login-1')).toBeUndefined();
      const journal = [...store.journal()].map((e) => e.input).join('\n');
      expect(journal).toContain(hashPlayerToken(token));
      // The seed no longer makes the token.
      for (const entry of store.journal()) {
        const { seed } = JSON.parse(entry.input) as { seed?: string };
        if (seed !== undefined) expect(seededRng(seed).hex(24)).not.toBe(token);
      }
      expect(replayJournal(store)).toMatchObject({ equal: true, refused: [] });
    } finally {
      store.close();
    }
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).includes(token)).toBe(false);
  });
});

/** The store's latest logged locations in log order (the query returns them in its index's order). */
const latestLocationsBySeq = (store: SqliteStore): LatestLocation[] =>
  store.latestLocations().sort((a, b) => a.seq - b.seq);

describe('[RESUME-3] the migration of the broadcast log to events (version 8)', () => {
  const EVERYONE = '{"to":"stream","exceptPlayers":[]}';
  const HIDDEN = '{"to":"stream","exceptPlayers":[3]}';
  const locationFrame = (seq: number, team: number): string =>
    JSON.stringify({
      type: 'broadcast',
      session: 1,
      seq,
      at: seq * 1000,
      event: { type: 'location', team, location: { lat: 47 + seq / 1000, lon: 8.5, accuracy: 10 } },
    });

  it('keeps the events, each team’s last location per recipients, and marks what retention took', () => {
    const { dir, old } = storeOfVersion(7);
    const log = old.prepare(
      'INSERT INTO broadcast (stream, seq, at, recipients, message) VALUES (?, ?, ?, ?, ?)',
    );
    // Session 1's log starts at 2 (retention took 1); the global stream's was pruned whole.
    const rows: [number, string, string][] = [
      [2, EVERYONE, locationFrame(2, 1)],
      [3, EVERYONE, announcementFrame('1', 3, 3000)],
      [4, EVERYONE, locationFrame(4, 1)],
      [5, HIDDEN, locationFrame(5, 2)],
      [6, HIDDEN, locationFrame(6, 1)],
      [7, EVERYONE, locationFrame(7, 1)],
    ];
    for (const [seq, recipients, frame] of rows) log.run('1', seq, seq * 1000, recipients, frame);
    const meta = old.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    meta.run('stream:1', '7');
    meta.run('stream:global', '4');
    old.close();

    const store = SqliteStore.open(dir);
    try {
      const resumed = store.broadcastsSince('1', 0, 100);
      // Resumes send the frames as they were sent live.
      const kept = rows.filter(([seq]) => [3, 5, 6, 7].includes(seq));
      expect(resumed.map((b) => b.message)).toEqual(kept.map(([, , frame]) => frame));
      expect(resumed.map((b) => b.recipients)).toEqual(
        kept.map(([, recipients]) => JSON.parse(recipients) as unknown),
      );
      expect([store.prunedThrough('1'), store.prunedThrough('global'), store.prunedThrough('2')]).toEqual([
        1, 4, 0,
      ]);
      expect(latestLocationsBySeq(store)).toEqual([
        { stream: '1', team: 2, recipients: HIDDEN, seq: 5 },
        { stream: '1', team: 1, recipients: HIDDEN, seq: 6 },
        { stream: '1', team: 1, recipients: null, seq: 7 },
      ]);
    } finally {
      store.close();
    }
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      const stored = db.prepare('SELECT seq, recipients, event FROM broadcast ORDER BY seq').all() as {
        seq: number;
        recipients: string | null;
        event: string;
      }[];
      expect(stored[0]).toEqual({
        seq: 3,
        recipients: null,
        event: '{"type":"announcement","text":"text 3"}',
      });
      const locations = stored.slice(1).map((row) => {
        const event = JSON.parse(row.event) as { type: string; team: number };
        return [row.seq, row.recipients, event.type, event.team];
      });
      expect(locations).toEqual([
        [5, HIDDEN, 'location', 2],
        [6, HIDDEN, 'location', 1],
        [7, null, 'location', 1],
      ]);
    } finally {
      db.close();
    }
  });

  it('the start reads the latest locations from the index of location rows alone (version 11)', () => {
    const { dir, old } = storeOfVersion(10);
    const log = old.prepare(
      'INSERT INTO broadcast (stream, seq, at, recipients, event) VALUES (?, ?, ?, ?, ?)',
    );
    const location = (team: number): string =>
      JSON.stringify({ type: 'location', team, location: { lat: 47, lon: 8.5, accuracy: 10 } });
    for (let seq = 1; seq <= 500; seq++)
      log.run('1', seq, seq, null, JSON.stringify({ type: 'announcement', text: `text ${seq}` }));
    log.run('1', 501, 501, null, location(1));
    log.run('1', 502, 502, HIDDEN, location(2));
    old.close();

    const store = SqliteStore.open(dir);
    try {
      expect(latestLocationsBySeq(store)).toEqual([
        { stream: '1', team: 1, recipients: null, seq: 501 },
        { stream: '1', team: 2, recipients: HIDDEN, seq: 502 },
      ]);
    } finally {
      store.close();
    }
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${LATEST_LOCATIONS}`).all() as { detail: string }[];
      expect(plan.map((step) => step.detail)).toEqual(['SCAN broadcast USING INDEX broadcast_location']);
      // The index holds the two location rows, none of the 500 announcements.
      const indexed = db
        .prepare(
          "SELECT COUNT(*) FROM broadcast INDEXED BY broadcast_location WHERE json_extract(event, '$.type') = 'location'",
        )
        .pluck()
        .get();
      expect(indexed).toBe(2);
    } finally {
      db.close();
    }
  });
});

describe('[DURABILITY-9] journal rows as older versions wrote them', () => {
  it('replay and the audit read them as they read the compact ones', async () => {
    const dir = tempDir();
    const runtime = openRuntime(dir, new FakeClock());
    const admin = new MemoryPeer(runtime, 'admin');
    const session = await admin.call<{ id: number }>({ type: 'session.add', name: 'Zug' });
    await admin.call({ type: 'team.add', name: 'Rot' }, session.id);
    await admin.call({ type: 'session.edit', name: 'Zug 2' }, session.id);
    await runtime.shutdown();
    const path = join(dir, DATABASE_FILE);
    const query = { session: null, since: 0, limit: 100 };
    const compact = readJournal(path, query);
    expect(compact.rows).toHaveLength(3);

    // Every row as versions before 8 wrote it: the actor as an object, the clock reading, always a seed.
    const db = new Database(path);
    const rewrite = db.prepare('UPDATE journal SET input = ? WHERE seq = ?');
    for (const row of db.prepare('SELECT seq, at, input FROM journal').all() as JournalRow[]) {
      const { command, actor, session: inSession, now, seed, tokenHash, subjects } = readJournalInput(row);
      const full = {
        command,
        actor,
        session: inSession,
        now,
        seed: seed ?? randomBytes(16).toString('hex'),
        tokenHash,
        ...(subjects.length > 0 ? { subjects } : {}),
      };
      rewrite.run(JSON.stringify(full), row.seq);
    }
    db.close();

    expect(readJournal(path, query)).toEqual(compact);
    const store = SqliteStore.open(dir);
    try {
      expect(replayJournal(store)).toMatchObject({ entries: 3, equal: true, refused: [] });
    } finally {
      store.close();
    }
  });
});

interface JournalRow {
  seq: number;
  at: number;
  input: string;
}

describe('[CLUSTER-12] the migration of the players’ team and last report to the session’s records (version 9)', () => {
  /**
   * Rewrites a data directory back to how version 8 kept players: each record names its team and holds its
   * last report as `lastLocation`, and there are no position records.
   */
  function asVersion8(dir: string): void {
    const db = new Database(join(dir, DATABASE_FILE));
    const rows = (kind: string): { id: number; doc: string }[] =>
      db.prepare('SELECT id, doc FROM entity WHERE kind = ?').all(kind) as { id: number; doc: string }[];
    const teamOf = new Map<number, number>();
    for (const row of rows('team'))
      for (const player of (JSON.parse(row.doc) as { players: number[] }).players) teamOf.set(player, row.id);
    const positions = new Map(
      rows('position').map((r) => [r.id, JSON.parse(r.doc) as Record<string, unknown>]),
    );
    const put = db.prepare("UPDATE entity SET doc = ? WHERE kind = 'player' AND id = ?");
    for (const row of rows('player')) {
      const { id: _id, session: _session, ...lastLocation } = positions.get(row.id) ?? {};
      const legacy = {
        ...(JSON.parse(row.doc) as object),
        team: teamOf.get(row.id) ?? null,
        lastLocation: positions.has(row.id) ? lastLocation : null,
      };
      put.run(JSON.stringify(legacy), row.id);
    }
    db.exec("DELETE FROM entity WHERE kind = 'position'; DELETE FROM meta WHERE key = 'nextId:position'");
    db.pragma('user_version = 8');
    db.close();
  }

  it('a data directory of version 8 opens with the same state, and replay still verifies', async () => {
    const dir = tempDir();
    const d = new RuntimeDriver(dir, zurich(9, 0), await demoCatalogueState());
    const s = await setUpSession(d, { teams: 2, perTeam: 2, config: { numCatchers: 1 } });
    accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
    const reporter = found(s.members.get(found(s.teams[0], 'a team'))?.[0], 'a player');
    accepted(
      await d.call({
        command: { type: 'location.send', location: fix(HB, d.now()) },
        session: s.session,
        as: { kind: 'player', player: reporter },
      }),
    );
    const before = stateHash(d.state());
    expect(d.state().tables.position.get(reporter)).toMatchObject({ session: s.session, lat: HB.lat });
    await d.close();
    asVersion8(dir);
    const legacy = new Database(join(dir, DATABASE_FILE), { readonly: true });
    const doc = legacy
      .prepare("SELECT doc FROM entity WHERE kind = 'player' AND id = ?")
      .pluck()
      .get(reporter);
    legacy.close();
    expect(JSON.parse(doc as string)).toMatchObject({ team: s.teams[0], lastLocation: { lat: HB.lat } });

    const store = SqliteStore.open(dir);
    try {
      const state = store.load();
      expect(stateHash(state)).toBe(before);
      expect(state.tables.team.teamOf(reporter)?.id).toBe(s.teams[0]);
      for (const player of state.tables.player.values()) {
        expect(player).not.toHaveProperty('team');
        expect(player).not.toHaveProperty('lastLocation');
      }
      expect(replayJournal(store)).toMatchObject({ equal: true, refused: [] });
    } finally {
      store.close();
    }
  });

  it('a state document exported before imports with the same state (and a journal base is migrated too)', async () => {
    const d = new StepDriver(zurich(9, 0), 3, await demoCatalogueState());
    const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
    accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
    const player = found(s.players[0], 'a player');
    d.run({ type: 'location.send', location: fix(HB, d.now()) }, s.session, { kind: 'player', player });
    const current = toStateDocument(d.state());
    const position = found(d.state().tables.position.get(player), 'the position');
    const { id: _id, session: _session, ...lastLocation } = position;
    const { position: _positions, ...tables } = current.tables;
    const legacy = {
      ...current,
      nextIds: Object.fromEntries(Object.entries(current.nextIds).filter(([t]) => t !== 'position')),
      tables: {
        ...tables,
        player: (tables.player as { id: number }[]).map((p) => ({
          ...p,
          team: d.state().tables.team.teamOf(p.id)?.id ?? null,
          lastLocation: p.id === player ? lastLocation : null,
        })),
      },
    };
    expect(stateHash(fromStateDocument(legacy))).toBe(stateHash(d.state()));

    // The same document as a version-8 store's journal base.
    const { dir, old } = storeOfVersion(8);
    old.prepare("INSERT INTO meta (key, value) VALUES ('journalBase', ?)").run(JSON.stringify(legacy));
    old.close();
    const store = SqliteStore.open(dir);
    try {
      const base = JSON.parse(found(store.journalBase(), 'the journal base')) as typeof current;
      expect(base.tables.position).toEqual([position]);
      expect(base.tables.player?.every((p) => !Object.hasOwn(p as object, 'team'))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('[CLUSTER-15] a last report of a player on no team is dropped, one of a team member kept', () => {
    const lastLocation = { lat: HB.lat, lon: HB.lon, at: 1, timestamp: 1 };
    const legacy = { id: 7, name: 'Anna', session: 2, lastLocation };
    expect(withoutSessionFields({ ...legacy, team: null })).toEqual({
      player: { id: 7, name: 'Anna', session: 2 },
    });
    expect(withoutSessionFields({ ...legacy, team: 3 })).toEqual({
      player: { id: 7, name: 'Anna', session: 2 },
      position: { id: 7, session: 2, ...lastLocation },
    });
  });
});
