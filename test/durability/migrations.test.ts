import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';

afterEach(() => removeTempDirs());

describe('migrations', () => {
  it('a store written by an older version opens at the newest one and keeps its answered requests', () => {
    const dir = tempDir();
    const old = new Database(join(dir, DATABASE_FILE));
    old.pragma('journal_mode = WAL');
    for (const sql of MIGRATIONS.slice(0, 2)) old.exec(sql);
    old.pragma('user_version = 2');
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
});
