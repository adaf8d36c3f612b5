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
import { MIGRATIONS } from '../../src/store/migrations.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';
import { MemoryPeer, openRuntime } from './support.js';

afterEach(() => removeTempDirs());

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
      expect(store.keptAnswer('admin/c-1', 'r-1')).toBe(
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
      "INSERT INTO broadcast (stream, seq, at, audience, message) VALUES ('1', ?, 0, ?, '{}')",
    );
    // As versions before wrote them: bare words first, then JSON.
    const audiences = ['all', 'admins', '"all"', '"admins"', '{"exceptTeams":[10]}', '{"exceptTeams":[]}'];
    audiences.forEach((audience, index) => log.run(index + 1, audience));
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
    const login = db.prepare(`SELECT seq, input FROM journal WHERE input LIKE '%"auth.login"%'`).get() as {
      seq: number;
      input: string;
    };
    const { tokenHash: _hash, ...input } = JSON.parse(login.input) as { seed: string; tokenHash: string };
    const token = seededRng(input.seed).hex(24);
    db.prepare('UPDATE journal SET input = ? WHERE seq = ?').run(JSON.stringify(input), login.seq);
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
        const { seed } = JSON.parse(entry.input) as { seed: string };
        expect(seededRng(seed).hex(24)).not.toBe(token);
      }
      expect(replayJournal(store)).toMatchObject({ equal: true, refused: [] });
    } finally {
      store.close();
    }
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).includes(token)).toBe(false);
  });
});
