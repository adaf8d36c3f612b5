import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';

afterEach(() => removeTempDirs());

/** A store in a fresh data directory as version `version` wrote it (its first migrations only). */
function storeOfVersion(version: number): { dir: string; old: Database.Database } {
  const dir = tempDir();
  const old = new Database(join(dir, DATABASE_FILE));
  old.pragma('journal_mode = WAL');
  for (const sql of MIGRATIONS.slice(0, version)) old.exec(sql);
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
      expect(store.answeredResponse('admin/c-1', 'r-1')).toBe(
        '{"type":"response","id":"r-1","ok":true,"result":1}',
      );
      expect([...store.answeredKeys()]).toEqual([{ clientKey: 'admin/c-1', requestId: 'r-1' }]);
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
