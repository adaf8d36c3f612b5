import Database from 'better-sqlite3';
import {
  cpSync,
  existsSync,
  openSync,
  closeSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import {
  CHILD_PROCESS_TEST_MS,
  closeClients,
  openClient,
  removeTempDirs,
  runCli,
  startTestServer,
  tempDir,
} from '../helpers/index.js';

/**
 * Damaged data directories (DURABILITY-5, DURABILITY-6): the server refuses each, with exit code 1 and
 * a message naming what is wrong and how to restore, instead of starting empty or on a damaged file.
 */

let template: string;
beforeAll(async () => {
  const server = await startTestServer();
  const admin = await openClient({ socket: server.socketPath });
  const session = await admin.request({ type: 'session.add', name: 'Zug' });
  await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      admin.request({
        type: 'player.add',
        name: `Player ${i}`,
        passphrase: `passphrase ${i}`,
        session: session.id,
      }),
    ),
  );
  closeClients();
  await server.stop();
  template = server.dataDir;
}, CHILD_PROCESS_TEST_MS);
afterAll(() => removeTempDirs());

/** A copy of the sound data directory, damaged by `damage`. */
function damaged(damage: (dataDir: string, db: string) => void): string {
  const dataDir = join(tempDir(), 'data');
  cpSync(template, dataDir, { recursive: true });
  damage(dataDir, join(dataDir, DATABASE_FILE));
  return dataDir;
}

function withDatabase(path: string, change: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    change(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Overwrites the page headers of every page but the first: the b-trees no longer hold together. */
function scramblePages(path: string): void {
  const pageSize = 4096;
  const pages = statSync(path).size / pageSize;
  const fd = openSync(path, 'r+');
  try {
    for (let page = 1; page < pages; page++) writeSync(fd, Buffer.alloc(12, 0x5a), 0, 12, page * pageSize);
  } finally {
    closeSync(fd);
  }
}

async function serve(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  const run = await runCli(['serve', '--port', '0', '--data', dataDir], { timeoutMs: 60_000 });
  return { code: run.code, stderr: run.stderr };
}

const RESTORE = /truinlag restore FILE --data /;

describe(
  '[DURABILITY-5] a damaged or missing store refuses the start',
  { timeout: CHILD_PROCESS_TEST_MS },
  () => {
    it('truinlag.db missing while secret.key exists: refused, and no empty store is made', async () => {
      const dataDir = damaged((_dir, db) => rmSync(db));
      const { code, stderr } = await serve(dataDir);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^DATA_DIRECTORY: The database truinlag\.db is missing from /);
      expect(stderr).toMatch(RESTORE);
      expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(false);
      // So the next start is refused the same way (it does not find a fresh, empty store).
      expect((await serve(dataDir)).code).toBe(1);
    });

    it('truinlag.db empty (0 bytes)', async () => {
      const { code, stderr } = await serve(damaged((_dir, db) => truncateSync(db, 0)));
      expect(code).toBe(1);
      expect(stderr).toMatch(/is empty \(0 bytes\)/);
      expect(stderr).toMatch(RESTORE);
    });

    it('not a database at all', async () => {
      const { code, stderr } = await serve(damaged((_dir, db) => writeFileSync(db, 'x'.repeat(8192))));
      expect(code).toBe(1);
      expect(stderr).toMatch(/cannot be read as a database/);
      expect(stderr).toMatch(RESTORE);
    });

    it('a file that fails SQLite’s integrity check', async () => {
      const { code, stderr } = await serve(damaged((_dir, db) => scramblePages(db)));
      expect(code).toBe(1);
      expect(stderr).toMatch(/fails SQLite's integrity check: /);
      expect(stderr).toMatch(RESTORE);
    });

    it('a schema version from a newer truinlag', async () => {
      const dataDir = damaged((_dir, db) => withDatabase(db, (d) => d.pragma('user_version = 99')));
      const { code, stderr } = await serve(dataDir);
      expect(code).toBe(1);
      expect(stderr).toMatch(/has schema version 99, but this truinlag knows versions up to \d+/);
    });

    it('an unreadable record is named by its table and id', async () => {
      const dataDir = damaged((_dir, db) =>
        withDatabase(db, (d) =>
          d.prepare("UPDATE entity SET doc = '{\"id\": 7, broken' WHERE kind = 'player' AND id = 7").run(),
        ),
      );
      const { code, stderr } = await serve(dataDir);
      expect(code).toBe(1);
      expect(stderr).toMatch(/The player record with id 7 cannot be read/);
      expect(stderr).toMatch(RESTORE);
    });
  },
);

describe('[DURABILITY-6] damaged secret files refuse the start', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('an empty admin.token', async () => {
    const { code, stderr } = await serve(damaged((dir) => writeFileSync(join(dir, 'admin.token'), '\n')));
    expect(code).toBe(1);
    expect(stderr).toMatch(/admin\.token is empty: no game master could connect with it/);
    expect(stderr).toMatch(/delete the file to have a new one made/);
  });

  it('a damaged secret.key', async () => {
    const { code, stderr } = await serve(damaged((dir) => writeFileSync(join(dir, 'secret.key'), 'abc')));
    expect(code).toBe(1);
    expect(stderr).toMatch(/secret\.key is damaged/);
  });
});

describe('[OPS-5] a port in use', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('exits 1 naming the port and what to do, not with a crash', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = taken.address() as AddressInfo;
      const run = await runCli(['serve', '--port', String(port), '--data', tempDir()], { timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`PORT_IN_USE: Port ${port} on 127.0.0.1 is in use`);
      expect(run.stderr).not.toContain('Unhandled');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
