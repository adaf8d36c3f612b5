import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import {
  killSpawnedServers,
  removeTempDirs,
  spawnServer,
  startTestServer,
  stopTestServers,
  tempDir,
} from '../helpers/index.js';
import { readStore, WireClient, type Answer } from './support.js';

/**
 * Idempotent requests (IDEMPOTENCY-1) over real WebSocket connections: the test chooses the client
 * identity and every request id, re-sends ids, and compares the answers byte for byte and the store's contents.
 */

const wires = new Set<WireClient>();

async function wire(
  server: { url: string; adminToken: string },
  client?: string,
  since?: Record<string, number>,
): Promise<WireClient> {
  const connection = await WireClient.open(server.url, {
    token: server.adminToken,
    ...(client === undefined ? {} : { client }),
    ...(since === undefined ? {} : { since }),
  });
  wires.add(connection);
  return connection;
}

afterEach(async () => {
  for (const connection of wires) connection.close();
  wires.clear();
  await stopTestServers();
  await killSpawnedServers();
  removeTempDirs();
});

/** Sessions in the store with this name, and `session.added` broadcasts for it. */
function sessionEffects(
  dataDir: string,
  name: string,
): { records: number; broadcasts: number; journal: number } {
  const store = readStore(dataDir);
  return {
    records: store.entities.filter((e) => e.kind === 'session' && e.doc.name === name).length,
    broadcasts: store.broadcasts.filter(
      (b) => b.event.includes(`"type":"session.added"`) && b.event.includes(`"name":${JSON.stringify(name)}`),
    ).length,
    journal: store.journal.filter(
      (j) => j.input.includes(`"type":"session.add"`) && j.input.includes(`"name":${JSON.stringify(name)}`),
    ).length,
  };
}

const once = { records: 1, broadcasts: 1, journal: 1 };

/** Writes `count` kept answers of another client straight into a stopped server's store, all at `at`. */
function keepAnswers(dataDir: string, count: number, at: number): void {
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    const insert = db.prepare('INSERT INTO answered (client, request, at, answer) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < count; i++) insert.run('admin/filler', `f-${i}`, at, `{"id":"f-${i}"}`);
    })();
  } finally {
    db.close();
  }
}

describe('[IDEMPOTENCY-1] re-sending a request id', () => {
  it('returns the original response and applies nothing; a refused request runs again', async () => {
    const server = await startTestServer();
    const a = await wire(server, 'idem-client-a');
    const first = await a.answer('r1', { type: 'session.add', name: 'Zürich' });
    expect(first.message).toMatchObject({ ok: true, result: { id: 1, name: 'Zürich' } });

    // Same id again, on the same connection: byte-identical answer, no second effect.
    expect((await a.answer('r1', { type: 'session.add', name: 'Zürich' })).text).toBe(first.text);
    // The id decides, not the content: a different command under an answered id is not run either.
    expect((await a.answer('r1', { type: 'session.add', name: 'Bern' })).text).toBe(first.text);
    expect(sessionEffects(server.dataDir, 'Zürich')).toEqual(once);
    expect(sessionEffects(server.dataDir, 'Bern')).toEqual({ records: 0, broadcasts: 0, journal: 0 });

    // A refusal changed nothing and is not kept (IDEMPOTENCY-5): re-sent once the reason is gone, the
    // request runs again and applies, once.
    const refused = await a.answer('r2', { type: 'announcement.cancel', id: 1 }, 1);
    expect(refused.message).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await a.answer(
      'r3',
      { type: 'announcement.schedule', text: 'now there is one', at: Date.now() + 3_600_000 },
      1,
    );
    const cancelled = await a.answer('r2', { type: 'announcement.cancel', id: 1 }, 1);
    expect(cancelled.message).toMatchObject({ ok: true });
    expect((await a.answer('r2', { type: 'announcement.cancel', id: 1 }, 1)).text).toBe(cancelled.text);
    expect(await a.answer('r4', { type: 'announcement.list' }, 1)).toMatchObject({
      message: { ok: true, result: [] },
    });

    // A ping's effect is its broadcast: re-sent, it is not broadcast again.
    const ping = await a.answer('r5', { type: 'ping', text: 'only once' });
    expect((await a.answer('r5', { type: 'ping', text: 'only once' })).text).toBe(ping.text);
    const pings = readStore(server.dataDir).broadcasts.filter((b) => b.event.includes('"only once"'));
    expect(pings).toHaveLength(1);
    expect(a.broadcasts.filter((b) => b.event.type === 'pinged')).toHaveLength(1);
    expect(a.violations).toEqual([]);
  });

  it('returns the original response on a new connection of the same client identity', async () => {
    const server = await startTestServer();
    const first = await wire(server, 'idem-client-b');
    const answer = await first.answer('add-1', {
      type: 'player.add',
      name: 'Anna',
      passphrase: 'anna-secret-words',
    });
    first.close();
    await first.closed;
    const again = await wire(server, 'idem-client-b');
    expect(
      (await again.answer('add-1', { type: 'player.add', name: 'Anna', passphrase: 'anna-secret-words' }))
        .text,
    ).toBe(answer.text);
    const players = readStore(server.dataDir).entities.filter((e) => e.kind === 'player');
    expect(players.map((p) => p.doc.name)).toEqual(['Anna']);
  });

  it('two connections of one client re-sending an id at the same time both get the one answer; it applies once', async () => {
    const server = await startTestServer();
    const one = await wire(server, 'idem-client-c');
    const two = await wire(server, 'idem-client-c');
    const command = { type: 'session.add', name: 'Concurrent' };
    const answers = await Promise.all([
      one.answer('same', command),
      two.answer('same', command),
      one.answer('same-2', { type: 'ping', text: 'x' }),
      two.answer('same-2', { type: 'ping', text: 'x' }),
    ]);
    expect(answers[0].text).toBe(answers[1].text);
    expect(answers[2].text).toBe(answers[3].text);
    expect(answers[0].message.ok).toBe(true);
    expect(sessionEffects(server.dataDir, 'Concurrent')).toEqual(once);
  });

  it('[IDEMPOTENCY-2] scopes request ids per client identity: two clients using the same id both apply', async () => {
    const server = await startTestServer();
    const x = await wire(server, 'idem-client-x');
    const y = await wire(server, 'idem-client-y');
    const fromX = await x.answer('req-1', { type: 'session.add', name: 'From X' });
    const fromY = await y.answer('req-1', { type: 'session.add', name: 'From Y' });
    expect(fromX.message).toMatchObject({ ok: true, result: { name: 'From X' } });
    expect(fromY.message).toMatchObject({ ok: true, result: { name: 'From Y' } });
    expect(sessionEffects(server.dataDir, 'From X')).toEqual(once);
    expect(sessionEffects(server.dataDir, 'From Y')).toEqual(once);
    // And each identity keeps its own answer.
    expect((await y.answer('req-1', { type: 'session.add', name: 'From Y' })).text).toBe(fromY.text);
    expect((await x.answer('req-1', { type: 'session.add', name: 'From X' })).text).toBe(fromX.text);

    // Without a client identity, ids are scoped to the connection.
    const anonymous1 = await wire(server);
    const anonymous2 = await wire(server);
    await anonymous1.answer('req-1', { type: 'session.add', name: 'Anonymous 1' });
    await anonymous2.answer('req-1', { type: 'session.add', name: 'Anonymous 2' });
    expect(sessionEffects(server.dataDir, 'Anonymous 1')).toEqual(once);
    expect(sessionEffects(server.dataDir, 'Anonymous 2')).toEqual(once);
  });
});

describe('[IDEMPOTENCY-1] idempotency across restarts', () => {
  it('after a clean restart, the same client and request id return the original response', async () => {
    const dataDir = tempDir();
    const before = await startTestServer({ dataDir });
    const a = await wire(before, 'idem-restart');
    const answer = await a.answer('keep', { type: 'session.add', name: 'Survives' });
    await before.stop();

    const after = await startTestServer({ dataDir });
    const b = await wire(after, 'idem-restart');
    expect((await b.answer('keep', { type: 'session.add', name: 'Survives' })).text).toBe(answer.text);
    expect(sessionEffects(dataDir, 'Survives')).toEqual(once);
  }, 120_000);

  it('after a restart with many kept answers, a re-sent id gets its answer once their keys are all read', async () => {
    const dataDir = tempDir();
    const before = await startTestServer({ dataDir });
    const a = await wire(before, 'idem-many');
    const answer = await a.answer('keep', { type: 'session.add', name: 'Among many' });
    await before.stop();
    // Older answers of another client ahead of it: its key is read in the last of several pages.
    keepAnswers(dataDir, 12_000, Date.now() - 60_000);

    const after = await startTestServer({ dataDir });
    await after.server.runtime.keptAnswersRead;
    const b = await wire(after, 'idem-many');
    expect((await b.answer('keep', { type: 'session.add', name: 'Among many' })).text).toBe(answer.text);
    expect(sessionEffects(dataDir, 'Among many')).toEqual(once);
  }, 120_000);

  it('after kill -9 right after the answer, the same client and request id return the original response', async () => {
    const dataDir = tempDir();
    const before = await spawnServer(dataDir);
    const a = await wire(before, 'idem-crash');
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++)
      answers.push(
        await a.answer(`k${i}`, { type: 'player.add', name: `P${i}`, passphrase: `secret-words-${i}` }),
      );
    expect(await before.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const after = await spawnServer(dataDir);
    const b = await wire(after, 'idem-crash');
    for (let i = 0; i < 5; i++) {
      const again = await b.answer(`k${i}`, {
        type: 'player.add',
        name: `P${i}`,
        passphrase: `secret-words-${i}`,
      });
      expect(again.text).toBe(answers[i]?.text);
    }
    // A fresh id with a used passphrase is a new request: refused, which shows the first one applied.
    expect(
      (await b.answer('k-new', { type: 'player.add', name: 'P0 again', passphrase: 'secret-words-0' }))
        .message,
    ).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_EXISTS' },
    });
    const players = readStore(dataDir).entities.filter((e) => e.kind === 'player');
    expect(players.map((p) => p.doc.name)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    await after.kill('SIGTERM');
  }, 120_000);

  it('keeps answers for at least 24 hours', async () => {
    const clock = new FakeClock();
    const server = await startTestServer({ clock });
    const a = await wire(server, 'idem-retention');
    const answer = await a.answer('day-old', { type: 'session.add', name: 'Yesterday' });
    // Almost a day later, with other traffic in between (the store prunes old answers as it goes).
    for (let hour = 1; hour <= 23; hour++) {
      clock.advance(60 * 60_000);
      await a.answer(`hour-${hour}`, { type: 'ping', text: `hour ${hour}` });
    }
    clock.advance(59 * 60_000);
    await a.answer('last', { type: 'session.add', name: 'Today' });
    expect((await a.answer('day-old', { type: 'session.add', name: 'Yesterday' })).text).toBe(answer.text);
    expect(sessionEffects(server.dataDir, 'Yesterday')).toEqual(once);
  });
});

describe('[IDEMPOTENCY-5] only answers that could apply twice are kept', () => {
  const answeredRows = (dataDir: string): number => readStore(dataDir).answered.length;

  it('reads and refusals write no row, from a guest or an admin; a change writes one', async () => {
    const server = await startTestServer();
    const guest = await WireClient.open(server.url, {});
    wires.add(guest);
    const admin = await wire(server, 'idem-rows');
    const requests: Promise<Answer>[] = [];
    for (let i = 0; i < 200; i++) requests.push(guest.answer(`read-${i}`, { type: 'state.get' }));
    for (let i = 0; i < 50; i++)
      requests.push(guest.answer(`login-${i}`, { type: 'auth.login', passphrase: `wrong guess ${i}` }));
    for (let i = 0; i < 50; i++)
      requests.push(admin.answer(`cancel-${i}`, { type: 'announcement.cancel', id: 99 }, 1));
    const answers = await Promise.all(requests);
    expect(answers.slice(200).every((a) => a.message.ok === false)).toBe(true);
    expect(answeredRows(server.dataDir)).toBe(0);

    await admin.answer('change', { type: 'session.add', name: 'Kept' });
    expect(answeredRows(server.dataDir)).toBe(1);
  });
});
