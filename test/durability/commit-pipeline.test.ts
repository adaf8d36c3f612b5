import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/runtime.js';
import type { CommitRows } from '../../src/store/commit-rows.js';
import { CommitWriter } from '../../src/store/commit-writer.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import type { CommitResult } from '../../src/store/store.js';
import { WAL_SIZE_LIMIT_BYTES } from '../../src/store/wal-checkpoints.js';
import { REPO_ROOT, removeTempDirs, tempDir, withTimeout } from '../helpers/index.js';
import { MemoryPeer, readStore } from './support.js';

const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.shutdown();
  removeTempDirs();
});

const BUSY_MS = 400;

function setUp(): { dir: string; runtime: Runtime; admin: MemoryPeer } {
  const dir = tempDir();
  const runtime = new Runtime({
    store: SqliteStore.open(dir),
    clock: new FakeClock(),
    logger: pino({ level: 'silent' }),
    busyTimeoutMs: BUSY_MS,
  });
  runtimes.push(runtime);
  return { dir, runtime, admin: new MemoryPeer(runtime, 'admin') };
}

/** Another connection takes the database's write lock, so that the engine's commits wait for it. */
function lockDatabase(dir: string): { release: () => void } {
  const locker = new Database(join(dir, DATABASE_FILE));
  locker.prepare('BEGIN IMMEDIATE').run();
  return {
    release: () => {
      locker.prepare('ROLLBACK').run();
      locker.close();
    },
  };
}

/** Lets the runtime run its next loop turn (each turn steps what was queued before it). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const responses = (admin: MemoryPeer): string[] =>
  admin.inbox.all.flatMap((m) => (m.type === 'response' ? [m.id] : []));

describe('[DURABILITY-1] answers wait for the disk', () => {
  it('a read stepped behind an unfinished commit is answered only after it, and sees it', async () => {
    const { dir, admin } = setUp();
    const lock = lockDatabase(dir);
    const add = admin.submit({ type: 'session.add', name: 'Zug' });
    await nextTurn();
    const list = admin.submit({ type: 'session.list' });
    await nextTurn();
    // The commit waits for the lock (less than the busy timeout): nothing may be answered meanwhile.
    await sleep(BUSY_MS / 4);
    expect(responses(admin)).toEqual([]);
    lock.release();
    const listed = await admin.inbox.answer(list);
    expect(listed).toMatchObject({ ok: true, result: [{ name: 'Zug' }] });
    expect(responses(admin)).toEqual([add, list]);
    expect(readStore(dir).entities.map((e) => e.doc.name)).toEqual(['Zug']);
  });

  it('[DURABILITY-2] a failed commit takes back every turn stepped on top of it, and their requesters are told', async () => {
    const { dir, admin } = setUp();
    const lock = lockDatabase(dir);
    const first = admin.submit({ type: 'session.add', name: 'Erste' });
    await nextTurn();
    const second = admin.submit({ type: 'session.add', name: 'Zweite' });
    await nextTurn();
    const read = admin.submit({ type: 'session.list' });
    for (const id of [first, second, read]) {
      expect(await admin.inbox.answer(id, 10 * BUSY_MS)).toMatchObject({
        ok: false,
        error: { code: 'INTERNAL' },
      });
    }
    lock.release();
    // Memory is as before both: the names are free and the ids were never handed out.
    expect(await admin.call({ type: 'session.list' })).toEqual([]);
    expect(await admin.call({ type: 'session.add', name: 'Zweite' })).toMatchObject({ id: 1 });
    expect(readStore(dir).entities.map((e) => e.doc.name)).toEqual(['Zweite']);
  });
});

describe('positions while a commit is out', () => {
  it('a client arriving meanwhile is told the released position and gets the broadcast live, once', async () => {
    const { dir, runtime, admin } = setUp();
    const lock = lockDatabase(dir);
    const ping = admin.submit({ type: 'ping', text: 'unterwegs' });
    await nextTurn();
    const late = new MemoryPeer(runtime, 'late');
    expect(runtime.positions(late)).toEqual({ global: 0 });
    runtime.resume(late, { global: 0 });
    lock.release();
    await admin.inbox.answer(ping);
    await late.inbox.next((m) => m.type === 'broadcast');
    await admin.call({ type: 'ping' });
    const seqs = late.inbox.all.flatMap((m) => (m.type === 'broadcast' ? [m.seq] : []));
    expect(seqs).toEqual([1]);
    expect(runtime.positions(late)).toEqual({ global: 1 });
  });
});

describe('the commit writer', () => {
  /** Rows with nothing but what is given. */
  const rowsWith = (rows: Partial<CommitRows>): CommitRows => ({
    entities: [],
    periods: [],
    meta: [],
    journal: [],
    broadcasts: [],
    answers: [],
    ...rows,
  });
  const rowsOf = (id: number): CommitRows =>
    rowsWith({ entities: [['session', id, JSON.stringify({ id })]], journal: [[id, `{"n":${id}}`]] });
  /** `count` zone records with ids from `from`, all with the same document. */
  const zones = (from: number, count: number, doc: string): CommitRows['entities'] =>
    Array.from({ length: count }, (_, i) => ['zone', from + i, doc]);
  /** A writer on a fresh store. */
  const openWriter = (busyTimeoutMs = BUSY_MS): { dir: string; writer: CommitWriter } => {
    const dir = tempDir();
    SqliteStore.open(dir).close();
    return { dir, writer: new CommitWriter(join(dir, DATABASE_FILE), busyTimeoutMs) };
  };
  const committed = (writer: CommitWriter, rows: CommitRows): Promise<void> =>
    new Promise((resolve) => writer.commitRows(rows, () => resolve()));
  const walBytes = (dir: string): number => statSync(join(dir, `${DATABASE_FILE}-wal`)).size;

  it('writes what queued behind a running commit in one transaction, answering in call order', async () => {
    const { dir, writer } = openWriter(10 * BUSY_MS);
    const order: [number, CommitResult][] = [];
    const done = (id: number) => (result: CommitResult) => order.push([id, result]);
    // The thread is running (an empty commit went through) before the lock is taken.
    await committed(writer, rowsWith({}));
    // The first commit waits for a lock; the three posted meanwhile queue behind it.
    const lock = lockDatabase(dir);
    writer.commitRows(rowsOf(1), done(1));
    await sleep(BUSY_MS / 4);
    for (const id of [2, 3, 4]) writer.commitRows(rowsOf(id), done(id));
    lock.release();
    await writer.idle();
    expect(order).toEqual([1, 2, 3, 4].map((id) => [id, { ok: true }]));
    expect(writer.stats.commits).toBe(1 + 2);
    await writer.close();
    expect(readStore(dir).journal.map((row) => row.input)).toEqual([1, 2, 3, 4].map((n) => `{"n":${n}}`));
  });

  it('keeps the order of entity writes and every row of large batches', async () => {
    const { dir, writer } = openWriter();
    const rows = rowsWith({
      entities: [
        ['session', 1, '{"v":1}'],
        ['session', 2, '{"v":1}'],
        ['session', 1, null],
        ['session', 1, '{"v":2}'],
        ['session', 2, null],
        ...Array.from({ length: 70 }, (_, i): [string, number, string] => ['zone', i + 1, `{"i":${i}}`]),
      ],
      journal: Array.from({ length: 100 }, (_, i): [number, string] => [i, `{"n":${i}}`]),
    });
    await committed(writer, rows);
    await writer.close();
    const stored = readStore(dir);
    expect(stored.entities.filter((e) => e.kind === 'session')).toEqual([
      { kind: 'session', id: 1, doc: { v: 2 } },
    ]);
    expect(stored.entities.filter((e) => e.kind === 'zone')).toHaveLength(70);
    expect(stored.journal.map((row) => row.input)).toEqual(rows.journal.map(([, input]) => input));
  });

  it('keeps the WAL small under sustained writes: it checkpoints after commits and restarts the WAL', async () => {
    const { dir, writer } = openWriter();
    const doc = JSON.stringify({ text: 'x'.repeat(2_000) });
    // 1 200 commits of 10 records of 2 KB: about 24 MB written, one commit after the other.
    for (let commit = 0; commit < 1_200; commit++) {
      await committed(writer, rowsWith({ entities: zones(commit * 10 + 1, 10, doc) }));
    }
    // Without checkpoints it would hold all of it; a slow checkpoint may let it grow for a while, after
    // which its file shrinks back to the limit.
    expect(walBytes(dir)).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    await writer.close();
    expect(readStore(dir).entities).toHaveLength(12_000);
  });

  it('gives back the disk space of a WAL that grew past its limit once the WAL restarts', async () => {
    const { dir, writer } = openWriter();
    const doc = JSON.stringify({ text: 'x'.repeat(2_000) });
    // One transaction of about 24 MB: the WAL must hold all of it until it is checkpointed.
    await committed(writer, rowsWith({ entities: zones(1, 12_000, doc) }));
    expect(walBytes(dir)).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
    // It is checkpointed after that commit; the next one restarts the WAL and shrinks its file.
    for (let commit = 0; commit < 3; commit++) await committed(writer, rowsOf(commit + 1));
    expect(walBytes(dir)).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    await writer.close();
    expect(readStore(dir).entities.filter((e) => e.kind === 'zone')).toHaveLength(12_000);
  });

  it('makes a consistent backup while commits keep coming', async () => {
    const { writer } = openWriter();
    const doc = JSON.stringify({ text: 'x'.repeat(1_000) });
    const commitZones = (from: number, count: number): Promise<void> =>
      committed(writer, rowsWith({ entities: zones(from, count, doc) }));
    await commitZones(1, 5_000);
    let writing = true;
    let next = 5_001;
    const writes = (async () => {
      while (writing) {
        await commitZones(next, 10);
        next += 10;
      }
    })();
    const backupDir = tempDir();
    const result = await withTimeout(
      writer.backup(join(backupDir, DATABASE_FILE)),
      15_000,
      'backup under writes',
    );
    writing = false;
    await writes;
    await writer.close();
    expect(result.totalPages).toBeGreaterThan(0);
    const copied = readStore(backupDir).entities.filter((e) => e.kind === 'zone');
    expect(copied.length).toBeGreaterThanOrEqual(5_000);
    // A consistent copy: whole commits of ten, none half.
    expect(copied.length % 10).toBe(0);
    expect(next).toBeGreaterThan(5_001);
  });

  it('runs its thread from the TypeScript source here, and from the compiled module when built', async () => {
    const { dir, writer } = openWriter();
    await committed(writer, rowsOf(1));
    await writer.close();
    // `npm test` builds first and says so; otherwise dist/ may be missing or stale.
    const built = process.env.TRUINLAG_TEST_DIST === '1';
    if (built) {
      const module = pathToFileURL(join(REPO_ROOT, 'dist/store/commit-writer.js')).href;
      const { CommitWriter: BuiltWriter } = (await import(module)) as { CommitWriter: typeof CommitWriter };
      const builtWriter = new BuiltWriter(join(dir, DATABASE_FILE), BUSY_MS);
      await committed(builtWriter, rowsOf(2));
      await builtWriter.close();
    }
    const journal = readStore(dir).journal.map((row) => row.input);
    expect(journal).toEqual(built ? ['{"n":1}', '{"n":2}'] : ['{"n":1}']);
  });

  it('fails the commit it could not write and everything queued behind it; then writes again', async () => {
    const { dir, writer } = openWriter();
    const lock = lockDatabase(dir);
    const results: boolean[] = [];
    for (const id of [1, 2, 3]) writer.commitRows(rowsOf(id), (result) => results.push(result.ok));
    await writer.idle();
    expect(results).toEqual([false, false, false]);
    lock.release();
    writer.commitRows(rowsOf(4), (result) => results.push(result.ok));
    await writer.close();
    expect(results).toEqual([false, false, false, true]);
    expect(readStore(dir).journal.map((row) => row.input)).toEqual(['{"n":4}']);
  });
});
