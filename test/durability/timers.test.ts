import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepInput } from '../../src/engine/step.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';
import { MemoryPeer, openRuntime as open, readStore } from './support.js';

/**
 * Durable timers (issue 3) on the real runtime and a real SQLite store, with a FakeClock so that time
 * only moves when the test says so. "Nothing happened" is checked after a barrier: a `state.get` submitted
 * after the clock moved reads everything, so it is answered only after every change the fires that the
 * move queued made is durable (PROTOCOL-8; a text-less ping, which reads nothing, would not wait).
 */

const MIN = 60_000;
const runtimes = new Set<Runtime>();

function openRuntime(dir: string, clock: FakeClock): Runtime {
  const runtime = open(dir, clock);
  runtimes.add(runtime);
  return runtime;
}

async function closeRuntime(runtime: Runtime): Promise<void> {
  runtimes.delete(runtime);
  await runtime.shutdown(100);
}

afterEach(async () => {
  for (const runtime of [...runtimes]) await closeRuntime(runtime);
  removeTempDirs();
});

/** The timer ids of the `timer.fire` commands in the journal, in the order they were committed. */
function firedTimers(dir: string): number[] {
  return readStore(dir).journal.flatMap((row) => {
    const input = JSON.parse(row.input) as StepInput;
    return input.command.type === 'timer.fire' ? [input.command.timer] : [];
  });
}

async function barrier(peer: MemoryPeer): Promise<void> {
  await peer.call({ type: 'state.get' });
}

async function setUp(
  clock: FakeClock,
  sessions = 1,
): Promise<{ dir: string; runtime: Runtime; admin: MemoryPeer }> {
  const dir = tempDir();
  const runtime = openRuntime(dir, clock);
  const admin = new MemoryPeer(runtime, 'admin');
  for (let i = 1; i <= sessions; i++) await admin.call({ type: 'session.add', name: `S${i}` });
  return { dir, runtime, admin };
}

const schedule = async (admin: MemoryPeer, session: number, text: string, at: number): Promise<number> =>
  (await admin.call<{ id: number }>({ type: 'announcement.schedule', text, at }, session)).id;

describe('[TIMER-1] cancelling', () => {
  it('a cancelled announcement never fires, even when the cancel and its due time meet in one batch', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { dir, runtime, admin } = await setUp(clock);
    const cancelled = await schedule(admin, 1, 'cancelled', t0 + 10_000);
    const kept = await schedule(admin, 1, 'kept', t0 + 10_000);
    const early = await schedule(admin, 1, 'cancelled early', t0 + 5_000);
    await admin.call({ type: 'announcement.cancel', id: early }, 1);
    expect(runtime.armedTimers).toBe(2);

    // The cancel is queued first; the clock then reaches the due time and the scheduler queues both fires.
    const cancel = admin.submit({ type: 'announcement.cancel', id: cancelled }, 1);
    clock.advance(10_000);
    expect(await admin.inbox.answer(cancel)).toMatchObject({ ok: true, result: { cancelled: true } });
    await barrier(admin);
    expect(admin.announcements()).toEqual(['kept']);

    // Long after: still nothing, nothing armed, no record left, and only the kept timer ever fired.
    clock.advance(24 * 60 * MIN);
    await barrier(admin);
    expect(admin.announcements()).toEqual(['kept']);
    expect(runtime.armedTimers).toBe(0);
    expect(readStore(dir).entities.filter((e) => e.kind === 'timer')).toEqual([]);
    expect(firedTimers(dir)).toEqual([kept]);
    // Cancelling again: it is gone.
    await expect(admin.call({ type: 'announcement.cancel', id: cancelled }, 1)).rejects.toThrow(/NOT_FOUND/);
  });
});

describe('[TIMER-1] stale fires', () => {
  it('a fire for a timer that was cancelled, already fired, never existed or is not due yet changes nothing', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { dir, runtime, admin } = await setUp(clock);
    const fired = await schedule(admin, 1, 'fired', t0 + 1_000);
    const cancelled = await schedule(admin, 1, 'cancelled', t0 + 2_000);
    const later = await schedule(admin, 1, 'later', t0 + 60_000);
    await admin.call({ type: 'announcement.cancel', id: cancelled }, 1);
    clock.advance(1_000);
    await barrier(admin);
    expect(admin.announcements()).toEqual(['fired']);
    const before = readStore(dir);

    for (const timer of [fired, cancelled, later, 999]) {
      runtime.submit({ source: 'system', command: { type: 'timer.fire', timer } });
    }
    await barrier(admin);
    const after = readStore(dir);
    expect(admin.announcements()).toEqual(['fired']);
    expect(after.journal).toEqual(before.journal);
    expect(after.entities).toEqual(before.entities);
    // Nothing was broadcast (the barrier pings carry no text).
    expect(after.broadcasts).toEqual(before.broadcasts);

    // The early fire did not consume the timer: it still fires at its due time, once.
    clock.advance(60_000 - 1_001);
    await barrier(admin);
    expect(admin.announcements()).toEqual(['fired']);
    clock.advance(1);
    await barrier(admin);
    expect(admin.announcements()).toEqual(['fired', 'later']);
    expect(firedTimers(dir)).toEqual([fired, later]);
  });

  it('a due timer whose commit failed is retried once the store accepts writes again, and fires once', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { dir, runtime, admin } = await setUp(clock);
    const id = await schedule(admin, 1, 'retry me', t0 + 1_000);

    // Another connection holds the write lock: the engine's next commit fails (after the busy timeout).
    const locker = new Database(join(dir, DATABASE_FILE));
    try {
      locker.prepare('BEGIN IMMEDIATE').run();
      clock.advance(1_000);
      // A request in the same batch as the fire learns that the batch was not saved.
      const ping = admin.submit({ type: 'ping', text: 'in the failed batch' });
      expect(await admin.inbox.answer(ping, 20_000)).toMatchObject({
        ok: false,
        error: { code: 'INTERNAL' },
      });
      expect(admin.announcements()).toEqual([]);
      locker.prepare('ROLLBACK').run();
    } finally {
      locker.close();
    }

    // The timer is still armed and is tried again a moment later.
    expect(runtime.armedTimers).toBe(1);
    clock.advance(1_000);
    await barrier(admin);
    expect(admin.announcements()).toEqual(['retry me']);
    expect(firedTimers(dir)).toEqual([id]);
    expect(runtime.armedTimers).toBe(0);
  }, 30_000);
});

describe('[TIMER-1] restart', () => {
  it('re-arms every timer; the ones that fell due while down fire at once in due order, the rest on time', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { dir, runtime, admin } = await setUp(clock, 2);
    // Scheduled out of order, over two sessions; two share a due time (then the older timer goes first).
    const plan: [session: number, text: string, offset: number][] = [
      [1, 'd', 40_000],
      [2, 'a', 10_000],
      [1, 'e', 50_000],
      [2, 'c', 30_000],
      [1, 'b1', 20_000],
      [2, 'b2', 20_000],
      [1, 'after restart', 200_000],
    ];
    const ids = new Map<string, number>();
    for (const [session, text, offset] of plan)
      ids.set(text, await schedule(admin, session, text, t0 + offset));
    const gone = await schedule(admin, 2, 'cancelled before the crash', t0 + 15_000);
    await admin.call({ type: 'announcement.cancel', id: gone }, 2);
    await closeRuntime(runtime);

    // Down until t0 + 100 s: six timers fell due meanwhile.
    const later = new FakeClock(t0 + 100_000);
    const restarted = openRuntime(dir, later);
    const watcher = new MemoryPeer(restarted, 'watcher');
    expect(restarted.armedTimers).toBe(7);
    later.advance(0);
    await barrier(watcher);
    expect(watcher.announcements()).toEqual(['a', 'b1', 'b2', 'c', 'd', 'e']);
    expect(firedTimers(dir)).toEqual(['a', 'b1', 'b2', 'c', 'd', 'e'].map((t) => ids.get(t)));
    // Each session's stream numbers them in that order too.
    const seqs = watcher.inbox.all.flatMap((m) =>
      m.type === 'broadcast' && m.event.type === 'announcement' ? [[m.session, m.seq]] : [],
    );
    expect(seqs).toEqual([
      [2, 1],
      [1, 1],
      [2, 2],
      [2, 3],
      [1, 2],
      [1, 3],
    ]);

    // The remaining one fires at its due time, not before.
    later.advance(100_000 - 1);
    await barrier(watcher);
    expect(watcher.announcements()).toHaveLength(6);
    later.advance(1);
    await barrier(watcher);
    expect(watcher.announcements().at(-1)).toBe('after restart');
    expect(restarted.armedTimers).toBe(0);
    expect(watcher.announcements()).not.toContain('cancelled before the crash');
  });
});

describe('[PAUSE-1][PAUSE-3] the session game clock', () => {
  it('pausing shifts the session timers by the paused time; other sessions keep running', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { admin } = await setUp(clock, 2);
    await schedule(admin, 1, 'five minutes in', t0 + 5 * MIN);
    await schedule(admin, 2, 'other session', t0 + 5 * MIN);

    expect(await admin.call({ type: 'clock.pause' }, 1)).toEqual({ pausedAt: t0 });
    expect(await admin.call({ type: 'announcement.list' }, 1)).toMatchObject([
      { text: 'five minutes in', at: null },
    ]);
    clock.advance(10 * MIN);
    await barrier(admin);
    expect(admin.announcements()).toEqual(['other session']);

    expect(await admin.call({ type: 'clock.resume' }, 1)).toEqual({ pausedMs: 10 * MIN });
    expect(await admin.call({ type: 'announcement.list' }, 1)).toMatchObject([{ at: t0 + 15 * MIN }]);
    clock.advance(5 * MIN - 1);
    await barrier(admin);
    expect(admin.announcements()).toEqual(['other session']);
    clock.advance(1);
    const fired = await admin.inbox.next(
      (m) => m.type === 'broadcast' && m.event.type === 'announcement' && m.session === 1,
    );
    expect(fired).toMatchObject({ session: 1, at: t0 + 15 * MIN, event: { text: 'five minutes in' } });
    const clockEvents = admin.inbox.all.flatMap((m) =>
      m.type === 'broadcast' && m.event.type.startsWith('clock.') ? [m.event] : [],
    );
    expect(clockEvents).toEqual([
      { type: 'clock.paused', at: t0 },
      { type: 'clock.resumed', at: t0 + 10 * MIN, pausedMs: 10 * MIN },
    ]);
  });

  it('a pause survives a restart: nothing fires while paused, and the resume shifts by the whole pause', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { dir, runtime, admin } = await setUp(clock);
    await schedule(admin, 1, 'paused', t0 + 5 * MIN);
    clock.advance(1 * MIN);
    await admin.call({ type: 'clock.pause' }, 1);
    // Scheduled while paused: it waits with the others, keeping the 3 minutes it had left.
    await schedule(admin, 1, 'scheduled while paused', t0 + 4 * MIN);
    await closeRuntime(runtime);

    const later = new FakeClock(t0 + 60 * MIN);
    const restarted = openRuntime(dir, later);
    const watcher = new MemoryPeer(restarted, 'watcher');
    expect(restarted.armedTimers).toBe(0);
    later.advance(30 * MIN);
    await barrier(watcher);
    expect(watcher.announcements()).toEqual([]);

    // Resumed at t0 + 90 min: the timers had 3 and 4 minutes left.
    expect(await watcher.call({ type: 'clock.resume' }, 1)).toEqual({ pausedMs: 89 * MIN });
    later.advance(3 * MIN - 1);
    await barrier(watcher);
    expect(watcher.announcements()).toEqual([]);
    later.advance(1);
    await barrier(watcher);
    expect(watcher.announcements()).toEqual(['scheduled while paused']);
    later.advance(1 * MIN);
    await barrier(watcher);
    expect(watcher.announcements()).toEqual(['scheduled while paused', 'paused']);
  });
});
