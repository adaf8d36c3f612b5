import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import type { Command } from '../../src/protocol/commands/index.js';
import type { ServerMessage } from '../../src/protocol/envelope.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { FrameKind, Peer } from '../../src/runtime/peer.js';
import { backupJob } from '../../src/runtime/backup-job.js';
import type { JobRunner, JobRunners } from '../../src/runtime/jobs.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { Inbox, removeTempDirs, tempDir, withTimeout } from '../helpers/index.js';

/**
 * A real in-memory peer: the runtime's frames land in an inbox (checked against the protocol schema).
 * It stands in for a transport connection, which is not what these tests are about.
 */
class MemoryPeer implements Peer {
  readonly inbox = new Inbox();
  closedWith: { code: number; reason: string } | undefined;
  private nextId = 1;

  constructor(
    private readonly runtime: Runtime,
    readonly id: string,
    readonly actor: Actor = { kind: 'admin' },
    readonly session: number | null = null,
  ) {
    runtime.attach(this);
  }

  send(frame: string, _kind: FrameKind): void {
    this.inbox.receive(frame);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  /** Submits a command as this peer's client and returns the request id. */
  submit(command: Command, session?: number, id = `${this.id}-${this.nextId++}`): string {
    this.runtime.submit({
      source: 'client',
      peer: this,
      reply: { clientKey: `admin/${this.id}`, requestId: id },
      command,
      session,
    });
    return id;
  }

  /** Submits and waits for the response's result (fails the test on an error response). */
  async call(command: Command, session?: number): Promise<unknown> {
    const response = await this.inbox.answer(this.submit(command, session));
    if (response.type !== 'response' || !response.ok) throw new Error(`refused: ${JSON.stringify(response)}`);
    return response.result;
  }
}

const logger = pino({ level: 'silent' });
const runtimes: Runtime[] = [];

function openRuntime(dataDir: string, clock: FakeClock, jobs?: Partial<JobRunners>): Runtime {
  const runtime = new Runtime({ store: SqliteStore.open(dataDir), clock, logger, ...(jobs ? { jobs } : {}) });
  runtimes.push(runtime);
  return runtime;
}

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.shutdown(100);
  removeTempDirs();
});

const announcements = (peer: MemoryPeer): string[] =>
  peer.inbox.all.flatMap((m) =>
    m.type === 'broadcast' && m.event.type === 'announcement' ? [m.event.text] : [],
  );

describe('[TIMER-1] timer loop-back', () => {
  it('delivers announcements scheduled out of order in due order; a cancelled one never arrives', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const t0 = clock.now();
    const runtime = openRuntime(dir, clock);
    const admin = new MemoryPeer(runtime, 'admin');
    const watcher = new MemoryPeer(runtime, 'watcher');
    expect(await admin.call({ type: 'session.add', name: 'S' })).toMatchObject({ id: 1 });

    const schedule = async (text: string, offset: number): Promise<number> =>
      ((await admin.call({ type: 'announcement.schedule', text, at: t0 + offset }, 1)) as { id: number }).id;
    await schedule('third', 30_000);
    await schedule('first', 10_000);
    const cancelled = await schedule('never', 15_000);
    await schedule('second', 20_000);
    await schedule('fourth', 40_000);
    await admin.call({ type: 'announcement.cancel', id: cancelled }, 1);
    expect(runtime.armedTimers).toBe(4);

    // Nothing is due yet.
    clock.advance(9_999);
    await admin.call({ type: 'ping' });
    expect(announcements(watcher)).toEqual([]);

    // One falls due.
    clock.advance(1);
    const first = await watcher.inbox.next((m) => m.type === 'broadcast' && m.event.type === 'announcement');
    expect(first).toMatchObject({ session: 1, seq: 1, at: t0 + 10_000, event: { text: 'first' } });

    // Three more fall due in one jump: they arrive in due order with consecutive sequence numbers.
    clock.advance(35_000);
    const isAnnouncement = (m: ServerMessage): boolean =>
      m.type === 'broadcast' && m.event.type === 'announcement';
    const rest = [
      await watcher.inbox.next(isAnnouncement),
      await watcher.inbox.next(isAnnouncement),
      await watcher.inbox.next(isAnnouncement),
    ];
    expect(rest.map((m) => (m.type === 'broadcast' ? [m.event, m.seq] : m))).toEqual([
      [{ type: 'announcement', text: 'second' }, 2],
      [{ type: 'announcement', text: 'third' }, 3],
      [{ type: 'announcement', text: 'fourth' }, 4],
    ]);

    // Long after: the cancelled one never came, and no timer is left (in memory or in the store).
    clock.advance(3_600_000);
    await admin.call({ type: 'ping' });
    expect(announcements(watcher)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(announcements(admin)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(runtime.armedTimers).toBe(0);
    expect(await admin.call({ type: 'announcement.list' }, 1)).toEqual([]);
    expect(watcher.inbox.violations).toEqual([]);
  });

  it('keeps timers across a restart: one that fell due while down fires on start', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const t0 = clock.now();
    const before = openRuntime(dir, clock);
    const admin = new MemoryPeer(before, 'admin');
    await admin.call({ type: 'session.add', name: 'S' });
    await admin.call({ type: 'announcement.schedule', text: 'late', at: t0 + 60_000 }, 1);
    await admin.call({ type: 'announcement.schedule', text: 'early', at: t0 + 5_000 }, 1);
    await before.shutdown(100);
    runtimes.splice(runtimes.indexOf(before), 1);

    // Down for a while: the early one fell due meanwhile.
    const later = new FakeClock(t0 + 30_000);
    const after = openRuntime(dir, later, undefined);
    const watcher = new MemoryPeer(after, 'watcher');
    expect(after.armedTimers).toBe(2);
    later.advance(0);
    const early = await watcher.inbox.next((m) => m.type === 'broadcast');
    expect(early).toMatchObject({ session: 1, seq: 1, event: { type: 'announcement', text: 'early' } });
    later.advance(30_000);
    const late = await watcher.inbox.next((m) => m.type === 'broadcast');
    expect(late).toMatchObject({ session: 1, seq: 2, event: { type: 'announcement', text: 'late' } });
    expect(after.armedTimers).toBe(0);
  });
});

describe('background-job loop-back', () => {
  /** The backup job, held at a gate so the test decides when it runs. */
  function gatedBackup(
    runtime: () => Runtime,
    backupsDir: string,
  ): {
    runner: JobRunner<'backup'>;
    release: () => void;
    started: Promise<void>;
  } {
    let release: () => void = () => undefined;
    let markStarted: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const backup = backupJob((file) => runtime().backup(file), backupsDir);
    const runner: JobRunner<'backup'> = async (input) => {
      markStarted();
      await gate;
      return await backup(input);
    };
    return { runner, release, started };
  }

  it('answers server.backup only after the job finished, to the requester only, with a readable backup', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const store = SqliteStore.open(dir);
    const job = gatedBackup(() => runtime, store.backupsDir);
    const runtime = new Runtime({ store, clock, logger, jobs: { backup: job.runner } });
    runtimes.push(runtime);
    const requester = new MemoryPeer(runtime, 'requester');
    const other = new MemoryPeer(runtime, 'other');
    await requester.call({ type: 'session.add', name: 'Backed up' });

    const file = join(dir, 'backups', 'backup.db');
    const id = requester.submit({ type: 'server.backup', file: 'backup.db' });
    await withTimeout(job.started, 5_000, 'backup job start');
    // The engine keeps serving while the job runs, and the backup is not answered yet.
    expect(await other.call({ type: 'ping', text: 'meanwhile' })).toEqual({ text: 'meanwhile' });
    expect(requester.inbox.all.some((m) => m.type === 'response' && m.id === id)).toBe(false);
    expect(existsSync(file)).toBe(false);

    job.release();
    const response = await requester.inbox.answer(id);
    expect(response).toMatchObject({ type: 'response', id, ok: true, result: { file } });
    if (response.type !== 'response' || !response.ok) throw new Error('backup refused');
    expect((response.result as { totalPages: number }).totalPages).toBeGreaterThan(0);

    // The file is a SQLite database holding the state at backup time.
    const backup = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const docs = backup.prepare("SELECT doc FROM entity WHERE kind = 'session'").pluck().all() as string[];
      expect(docs.map((d) => (JSON.parse(d) as { name: string }).name)).toEqual(['Backed up']);
    } finally {
      backup.close();
    }

    // Exactly one answer, to the requester; the other peer saw no response to that id.
    await other.call({ type: 'ping' });
    expect(requester.inbox.all.filter((m) => m.type === 'response' && m.id === id)).toHaveLength(1);
    expect(other.inbox.all.some((m) => m.type === 'response' && m.id === id)).toBe(false);
  });

  it('a pending job answers its own client even when another client uses the same request id', async () => {
    const dir = tempDir();
    const store = SqliteStore.open(dir);
    const job = gatedBackup(() => runtime, store.backupsDir);
    const runtime = new Runtime({ store, clock: new FakeClock(), logger, jobs: { backup: job.runner } });
    runtimes.push(runtime);
    const requester = new MemoryPeer(runtime, 'requester');
    const other = new MemoryPeer(runtime, 'other');
    const file = join(dir, 'backups', 'same-id.db');
    requester.submit({ type: 'server.backup', file: 'same-id.db' }, undefined, 'same');
    await withTimeout(job.started, 5_000, 'backup job start');
    other.submit({ type: 'ping', text: 'mine' }, undefined, 'same');
    expect(await other.inbox.answer('same')).toMatchObject({ ok: true, result: { text: 'mine' } });
    job.release();
    expect(await requester.inbox.answer('same')).toMatchObject({ ok: true, result: { file } });
    await other.call({ type: 'ping' });
    expect(other.inbox.all.filter((m) => m.type === 'response' && m.id === 'same')).toHaveLength(1);
    expect(requester.inbox.all.filter((m) => m.type === 'response' && m.id === 'same')).toHaveLength(1);
  });

  it('answers a failed backup with an error, to the requester', async () => {
    const dir = tempDir();
    const store = SqliteStore.open(dir);
    const job = gatedBackup(() => runtime, store.backupsDir);
    const runtime = new Runtime({ store, clock: new FakeClock(), logger, jobs: { backup: job.runner } });
    runtimes.push(runtime);
    const requester = new MemoryPeer(runtime, 'requester');
    // The backups folder cannot be made: a file is in its place.
    writeFileSync(store.backupsDir, 'not a folder');
    const id = requester.submit({ type: 'server.backup', file: 'b.db' });
    job.release();
    const response = await requester.inbox.answer(id);
    expect(response).toMatchObject({ type: 'response', id, ok: false, error: { code: 'TEXT_ERROR' } });
  });

  it('the shutdown waits for a running job and then tells every peer', async () => {
    const dir = tempDir();
    const store = SqliteStore.open(dir);
    const job = gatedBackup(() => runtime, store.backupsDir);
    const runtime = new Runtime({ store, clock: new FakeClock(), logger, jobs: { backup: job.runner } });
    const requester = new MemoryPeer(runtime, 'requester');
    const other = new MemoryPeer(runtime, 'other');
    const file = join(dir, 'backups', 'b.db');
    const id = requester.submit({ type: 'server.backup', file: 'b.db' });
    await withTimeout(job.started, 5_000, 'backup job start');
    const stopped = runtime.shutdown(10_000);
    // New requests are refused while it shuts down.
    const late = other.submit({ type: 'ping' });
    expect(await other.inbox.answer(late)).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
    job.release();
    await stopped;
    expect(await requester.inbox.answer(id)).toMatchObject({ ok: true, result: { file } });
    expect(existsSync(file)).toBe(true);
    for (const peer of [requester, other]) {
      expect(peer.inbox.all.at(-1)).toMatchObject({ type: 'notice', notice: 'shutdown' });
      expect(peer.closedWith?.code).toBe(1001);
    }
  });
});
