import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_FILE } from '../../src/server/config.js';
import { startIntegrityCheck, type IntegrityCheck } from '../../src/store/integrity-check.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { StartRefusal } from '../../src/store/start-refusal.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  tempDir,
  waitFor,
} from '../helpers/index.js';

/**
 * The start-up integrity check runs beside the server's start (DURABILITY-8): these tests hold its verdict
 * back and look at what the server has done meanwhile, then let it through.
 */

/** How long the held-back server is given to do what it must not (it would listen within milliseconds). */
const HELD_MS = 300;

let template: string;
beforeAll(async () => {
  const server = await startTestServer();
  const admin = await openClient({ socket: server.socketPath });
  for (let i = 0; i < 20; i++)
    await admin.request({ type: 'player.add', name: `Player ${i}`, passphrase: `passphrase ${i}` });
  closeClients();
  await server.stop();
  template = server.dataDir;
});
afterEach(async () => {
  closeClients();
  await stopTestServers();
});
afterAll(() => removeTempDirs());

function copyOfTemplate(): string {
  const dataDir = join(tempDir(), 'data');
  cpSync(template, dataDir, { recursive: true });
  return dataDir;
}

/** Overwrites the page headers of every page but the first: the b-trees no longer hold together. */
function scramblePages(path: string): void {
  const pageSize = 4096;
  const fd = openSync(path, 'r+');
  try {
    for (let page = 1; page < statSync(path).size / pageSize; page++)
      writeSync(fd, Buffer.alloc(12, 0x5a), 0, 12, page * pageSize);
  } finally {
    closeSync(fd);
  }
}

function hashOf(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The real integrity check of `dataDir`, started only when `release` is called. */
function heldCheck(dataDir: string): { check: IntegrityCheck; release: () => void } {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { check: released.then(() => startIntegrityCheck(dataDir)), release };
}

/**
 * Starts a server whose check is held back, waits until it has connected to the store (SQLite made the
 * shared-memory file of the WAL store) and a while longer, and asserts it has neither listened nor
 * written; then lets the check through.
 */
async function startHeld(dataDir: string): Promise<ReturnType<typeof startTestServer>> {
  const database = join(dataDir, DATABASE_FILE);
  const before = hashOf(database);
  const { check, release } = heldCheck(dataDir);
  const starting = startTestServer({ dataDir, integrityCheck: check });
  starting.catch(() => undefined);
  await waitFor(() => existsSync(`${database}-shm`), 10_000, 'the server to connect to its store');
  await delay(HELD_MS);
  expect(existsSync(join(dataDir, SOCKET_FILE))).toBe(false);
  expect(hashOf(database)).toBe(before);
  expect(statSync(`${database}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
  release();
  return starting;
}

describe('[DURABILITY-8] the server waits for the integrity check before it listens or writes', () => {
  it('a damaged store: nothing listened or changed while the check ran, then the start is refused', async () => {
    const dataDir = copyOfTemplate();
    scramblePages(join(dataDir, DATABASE_FILE));
    const damaged = hashOf(join(dataDir, DATABASE_FILE));
    const refusal = await startHeld(dataDir).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(StartRefusal);
    expect((refusal as StartRefusal).message).toMatch(/fails SQLite's integrity check: /);
    expect(existsSync(join(dataDir, SOCKET_FILE))).toBe(false);
    expect(hashOf(join(dataDir, DATABASE_FILE))).toBe(damaged);
  });

  it('a sound store: the server starts once the check has passed, with its data', async () => {
    const dataDir = copyOfTemplate();
    const server = await startHeld(dataDir);
    const admin = await openClient({ socket: server.socketPath });
    const players = await admin.request({ type: 'player.list' });
    expect(players).toHaveLength(20);
  });

  it('the check finds a damaged store damaged and a sound one sound, on its own thread', async () => {
    const sound = copyOfTemplate();
    const damaged = copyOfTemplate();
    scramblePages(join(damaged, DATABASE_FILE));
    expect(await startIntegrityCheck(sound)).toEqual([]);
    expect((await startIntegrityCheck(damaged))?.length).toBeGreaterThan(0);
    expect(await startIntegrityCheck(tempDir())).toBeUndefined();
  });
});
