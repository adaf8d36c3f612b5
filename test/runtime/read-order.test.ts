import Database from 'better-sqlite3';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { MemoryPeer, WireClient } from '../durability/support.js';
import { removeTempDirs, startTestServer, stopTestServers, tempDir } from '../helpers/index.js';

/**
 * PROTOCOL-8 on a real store: another connection holds SQLite's write lock, so that the runtime's commit
 * waits for it (its busy timeout) and the turn stays held back while the test looks at what was answered.
 */
const BUSY_MS = 2_000;
const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.shutdown();
  await stopTestServers();
  removeTempDirs();
});

function setUp(): { dir: string; runtime: Runtime } {
  const dir = tempDir();
  const runtime = new Runtime({
    store: SqliteStore.open(dir),
    clock: new FakeClock(),
    logger: pino({ level: 'silent' }),
    busyTimeoutMs: BUSY_MS,
  });
  runtimes.push(runtime);
  return { dir, runtime };
}

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

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const answered = (peer: MemoryPeer): string[] =>
  peer.inbox.all.flatMap((m) => (m.type === 'response' ? [m.id] : []));

describe('[PROTOCOL-8] answers that wait for no commit', () => {
  it("a text-less ping is stepped ahead of other connections' queued writes, not behind them", async () => {
    const runtime = new Runtime({
      store: SqliteStore.open(tempDir()),
      clock: new FakeClock(),
      logger: pino({ level: 'silent' }),
      // One item per turn: the order of the steps shows in which turn each one is answered.
      maxBatch: 1,
    });
    runtimes.push(runtime);
    const writers = [1, 2, 3, 4].map((n) => new MemoryPeer(runtime, `writer-${n}`));
    const reader = new MemoryPeer(runtime, 'reader');
    const pinger = new MemoryPeer(runtime, 'pinger');
    const adds = writers.map((w, n) => w.submit({ type: 'session.add', name: `Zug ${n}` }));
    const ownAdd = reader.submit({ type: 'session.add', name: 'Chur' });
    const ownPing = reader.submit({ type: 'ping' });
    const ping = pinger.submit({ type: 'ping' });
    await nextTurn();
    // The first turn took the pinger's ping, queued last, ahead of five adds and the reader's ping.
    expect(answered(pinger)).toEqual([ping]);
    expect(runtime.load.mailbox).toBe(6);
    // The reader's ping waited behind its own add, and its answers came in the order it asked.
    expect(await reader.inbox.answer(ownPing)).toMatchObject({ ok: true });
    expect(answered(reader)).toEqual([ownAdd, ownPing]);
    for (const [n, add] of adds.entries())
      expect(await (writers[n] as MemoryPeer).inbox.answer(add)).toMatchObject({ ok: true });
  });

  it('a text-less ping of another connection is answered while a commit waits for the disk', async () => {
    const { dir, runtime } = setUp();
    const writer = new MemoryPeer(runtime, 'writer');
    const reader = new MemoryPeer(runtime, 'reader');
    const lock = lockDatabase(dir);
    const add = writer.submit({ type: 'session.add', name: 'Zug' });
    await nextTurn();
    const ping = reader.submit({ type: 'ping' });
    expect(await reader.inbox.answer(ping)).toMatchObject({ ok: true });
    // The commit is still held by the lock: the write is not answered, nor visible.
    expect(answered(writer)).toEqual([]);
    lock.release();
    expect(await writer.inbox.answer(add)).toMatchObject({ ok: true });
  });

  it('a read of a table no pending change touches is answered at once; one of everything waits', async () => {
    const { dir, runtime } = setUp();
    const writer = new MemoryPeer(runtime, 'writer');
    const reader = new MemoryPeer(runtime, 'reader');
    await writer.call({ type: 'session.add', name: 'Zug' });
    const lock = lockDatabase(dir);
    // A pending broadcast: it changes no table, only its stream's position.
    const ping = writer.submit({ type: 'ping', text: 'unterwegs' });
    await nextTurn();
    const list = reader.submit({ type: 'session.list' });
    const everything = reader.submit({ type: 'state.get' });
    expect(await reader.inbox.answer(list)).toMatchObject({ ok: true, result: [{ name: 'Zug' }] });
    // The ping is not answered, and state.get, which reads the streams' positions too, waits for it.
    expect(answered(writer)).toEqual(['writer-1']);
    expect(answered(reader)).toEqual([list]);
    lock.release();
    await writer.inbox.answer(ping);
    expect(await reader.inbox.answer(everything)).toMatchObject({ ok: true, result: { seq: { global: 2 } } });
  });

  it('a read of what a pending change touches waits for its commit, and then sees it', async () => {
    const { dir, runtime } = setUp();
    const writer = new MemoryPeer(runtime, 'writer');
    const reader = new MemoryPeer(runtime, 'reader');
    const lock = lockDatabase(dir);
    const add = writer.submit({ type: 'session.add', name: 'Zug' });
    await nextTurn();
    const list = reader.submit({ type: 'session.list' });
    const everything = reader.submit({ type: 'state.get' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered(reader)).toEqual([]);
    lock.release();
    expect(await reader.inbox.answer(list)).toMatchObject({ ok: true, result: [{ name: 'Zug' }] });
    expect(await reader.inbox.answer(everything)).toMatchObject({
      ok: true,
      result: { sessions: [{ name: 'Zug' }] },
    });
    expect(answered(writer)).toEqual([add]);
  });

  it("a client's write then read: the read waits for the write and sees it, even a read of nothing", async () => {
    const { dir, runtime } = setUp();
    const client = new MemoryPeer(runtime, 'client');
    const lock = lockDatabase(dir);
    const add = client.submit({ type: 'session.add', name: 'Zug' });
    await nextTurn();
    const ping = client.submit({ type: 'ping' });
    const list = client.submit({ type: 'player.list' });
    const sessions = client.submit({ type: 'session.list' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered(client)).toEqual([]);
    lock.release();
    expect(await client.inbox.answer(sessions)).toMatchObject({ ok: true, result: [{ name: 'Zug' }] });
    expect(answered(client)).toEqual([add, ping, list, sessions]);
  });

  it('a refusal that read a pending change waits for it too', async () => {
    const { dir, runtime } = setUp();
    const writer = new MemoryPeer(runtime, 'writer');
    const reader = new MemoryPeer(runtime, 'reader');
    const lock = lockDatabase(dir);
    const add = writer.submit({ type: 'session.add', name: 'Zug' });
    await nextTurn();
    // Refused because the name is taken, by a change that is not durable yet: not told before it is.
    const twice = reader.submit({ type: 'session.add', name: 'Zug' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered(reader)).toEqual([]);
    lock.release();
    await writer.inbox.answer(add);
    expect(await reader.inbox.answer(twice)).toMatchObject({ ok: false });
  });
});

describe('[PROTOCOL-8] over real connections', () => {
  it("another connection's ping is answered during a commit; the writer's own answers keep its order", async () => {
    const server = await startTestServer();
    const writer = await WireClient.open(server.url, { client: 'order-writer', token: server.adminToken });
    const reader = await WireClient.open(server.url, { client: 'order-reader', token: server.adminToken });
    const arrived: string[] = [];
    const lock = lockDatabase(server.dataDir);
    const add = writer.answer('add', { type: 'session.add', name: 'Zug' }).then((a) => {
      arrived.push('add');
      return a;
    });
    const ownPing = writer.answer('own-ping', { type: 'ping' }).then(() => arrived.push('own-ping'));
    // The writer's requests reach the runtime first; its commit then waits for the lock.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ping = await reader.answer('ping', { type: 'ping' });
    expect(ping.message).toMatchObject({ ok: true });
    expect(arrived).toEqual([]);
    lock.release();
    expect((await add).message).toMatchObject({ ok: true, result: { name: 'Zug' } });
    await ownPing;
    expect(arrived).toEqual(['add', 'own-ping']);
    writer.socket.terminate();
    reader.socket.terminate();
  });
});
