import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
} from '../helpers/index.js';
import { blobRows, getHttp, httpBase, makeImage, makeWorld, uploaded, uploadHttp } from './support.js';

/** Picture bytes are keyed by their sha-256 (PICTURE-4): older stores are moved over, strays dropped. */

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('blob keys', () => {
  it('[PICTURE-4] an older store keyed by picture id is re-keyed at start; copies become one, strays are dropped', async () => {
    const first = await startTestServer();
    const admin = await openClient({ socket: first.socketPath });
    const world = await makeWorld(admin);
    const base = httpBase(first.url);
    const picture = uploaded(
      await uploadHttp(
        base,
        first.adminToken,
        { kind: 'team', team: world.teams.a },
        await makeImage('png', 90, 60),
      ),
    );
    const full = await getHttp(base, `/pictures/${picture.id}`, { bearer: first.adminToken });
    const thumb = await getHttp(base, `/pictures/${picture.id}/thumb`, { bearer: first.adminToken });
    const dataDir = first.dataDir;
    closeClients();
    await first.stop();

    // The layout before migration 5: bytes under the picture's id, here also a second copy of the
    // picture under another id (as two uploads of one file were stored).
    const db = new Database(join(dataDir, DATABASE_FILE));
    db.prepare('UPDATE blob SET key = ? WHERE key = ?').run(
      `picture/${picture.id}`,
      `picture/${sha256(full.bytes)}`,
    );
    db.prepare('UPDATE blob SET key = ? WHERE key = ?').run(
      `picture/${picture.id}/thumb`,
      `picture/${sha256(thumb.bytes)}`,
    );
    db.prepare(
      "INSERT INTO blob (key, mime, size, sha256, data) SELECT 'picture/77', mime, size, sha256, data FROM blob WHERE key = ?",
    ).run(`picture/${picture.id}`);
    db.pragma('user_version = 4');
    // The logs as they were before migration 8 too, which runs again after this one: whole frames.
    db.exec(`
      ALTER TABLE answered RENAME COLUMN answer TO response;
      ALTER TABLE broadcast RENAME COLUMN event TO message;
      UPDATE broadcast SET
        message = json_object('type', 'broadcast', 'seq', seq, 'at', at, 'event', json(message)),
        recipients = COALESCE(recipients, '{"to":"stream","exceptPlayers":[]}');
    `);
    // And bytes no picture names (a job's work the engine then refused).
    const stray = Buffer.from('stray bytes');
    db.prepare('INSERT INTO blob (key, mime, size, sha256, data) VALUES (?, ?, ?, ?, ?)').run(
      `picture/${sha256(stray)}`,
      'image/jpeg',
      stray.length,
      sha256(stray),
      stray,
    );
    db.close();

    const second = await startTestServer({ dataDir });
    const again = httpBase(second.url);
    const fullAfter = await getHttp(again, `/pictures/${picture.id}`, { bearer: second.adminToken });
    const thumbAfter = await getHttp(again, `/pictures/${picture.id}/thumb`, { bearer: second.adminToken });
    expect(fullAfter.bytes.equals(full.bytes)).toBe(true);
    expect(thumbAfter.bytes.equals(thumb.bytes)).toBe(true);
    expect(
      blobRows(dataDir)
        .map((row) => row.key)
        .sort(),
    ).toEqual([`picture/${sha256(full.bytes)}`, `picture/${sha256(thumb.bytes)}`].sort());
  });
});
