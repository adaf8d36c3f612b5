import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/engine/rng.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import { ADMIN_TOKEN_FILE, SECRET_FILE } from '../../src/runtime/secrets.js';
import {
  closeClients,
  killSpawnedServers,
  openClient,
  removeTempDirs,
  runCli,
  spawnServer,
  startTestServer,
  stopTestServers,
  tempDir,
  waitFor,
} from '../helpers/index.js';
import { allOrNothing, answered } from './checks.js';
import { runLoad, type Tracked } from './load.js';
import { frameJson, TcpProxy } from './proxy.js';
import { broadcastLogProblems, readStore, WireClient } from './support.js';

/**
 * Export/import-state and backup/restore (issue 3, item 6): a state moved or restored this way is the
 * same state (same canonical hash), still replays from its journal, and a server starts on it.
 */

const wires = new Set<WireClient>();
const proxies = new Set<TcpProxy>();

afterEach(async () => {
  for (const w of wires) w.close();
  wires.clear();
  for (const p of proxies) await p.close();
  proxies.clear();
  closeClients();
  await stopTestServers();
  await killSpawnedServers();
  removeTempDirs();
});

interface ReplayReport {
  readonly entries: number;
  readonly replayHash: string;
  readonly liveHash: string;
  readonly equal: boolean;
  readonly refused: readonly number[];
}

async function replay(dataDir: string): Promise<ReplayReport> {
  const run = await runCli(['replay', '--data', dataDir, '--json'], { timeoutMs: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ReplayReport;
}

/** A new data directory that shares the installation's secrets (the passphrase key and the admin token). */
function freshDirWithSecretsOf(original: string): string {
  const dir = tempDir();
  for (const file of [SECRET_FILE, ADMIN_TOKEN_FILE]) copyFileSync(join(original, file), join(dir, file));
  return dir;
}

describe('[DURABILITY-4] export and import-state', () => {
  it('moves the whole state into a fresh data directory: same hash, replay equal, timers and ids carry on', async () => {
    const source = await startTestServer();
    const admin = await openClient({ url: source.url, token: source.adminToken });
    const now = Date.now();
    const s1 = await admin.request({ type: 'session.add', name: 'Exported' });
    const s2 = await admin.request({ type: 'session.add', name: 'Paused', timeZone: 'Asia/Tokyo' });
    await admin.request({
      type: 'player.add',
      name: 'Anna',
      passphrase: 'anna-secret-words',
      session: s1.id,
    });
    await admin.request({ type: 'player.add', name: 'Ben', passphrase: 'ben-secret-words' });
    await admin.request(
      { type: 'announcement.schedule', text: 'in an hour', at: now + 3_600_000 },
      { session: s1.id },
    );
    await admin.request(
      { type: 'announcement.schedule', text: 'paused one', at: now + 7_200_000 },
      { session: s2.id },
    );
    await admin.request({ type: 'clock.pause' }, { session: s2.id });
    const gone = await admin.request(
      { type: 'announcement.schedule', text: 'cancelled', at: now + 60_000 },
      { session: s1.id },
    );
    await admin.request({ type: 'announcement.cancel', id: gone.id }, { session: s1.id });
    const lists = async (client: typeof admin): Promise<unknown[]> => [
      await client.request({ type: 'session.list' }),
      await client.request({ type: 'player.list' }),
      await client.request({ type: 'announcement.list' }, { session: s1.id }),
      await client.request({ type: 'announcement.list' }, { session: s2.id }),
    ];
    const before = await lists(admin);

    // Exported while the server runs.
    const file = join(tempDir(), 'state.json');
    const exported = await runCli(['export', file, '--data', source.dataDir, '--json']);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ file, session: 2, player: 2, timer: 2 });
    await source.stop();
    const original = await replay(source.dataDir);
    expect(original.equal).toBe(true);

    const target = freshDirWithSecretsOf(source.dataDir);
    const imported = await runCli(['import-state', file, '--data', target, '--json']);
    expect(imported.code).toBe(0);
    const moved = await replay(target);
    expect(moved).toMatchObject({
      equal: true,
      refused: [],
      liveHash: original.liveHash,
      replayHash: original.liveHash,
    });

    // A server on the imported state: the same lists, the paused clock still paused, ids carry on.
    const restarted = await startTestServer({ dataDir: target });
    const after = await openClient({ url: restarted.url, token: restarted.adminToken });
    expect(await lists(after)).toEqual(before);
    expect(restarted.server.runtime.armedTimers).toBe(1);
    const s3 = await after.request({ type: 'session.add', name: 'After the import' });
    expect(s3.id).toBe(3);
    await expect(
      after.request({ type: 'player.add', name: 'Copy', passphrase: 'anna-secret-words' }),
    ).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(await after.request({ type: 'clock.resume' }, { session: s2.id })).toMatchObject({
      pausedMs: expect.any(Number) as number,
    });
    // The journal continues from the imported state.
    await restarted.stop();
    const later = await replay(target);
    expect(later).toMatchObject({ equal: true, refused: [] });
    expect(later.liveHash).not.toBe(original.liveHash);
  }, 180_000);

  it('import-state and restore refuse to touch a data directory whose server is running', async () => {
    const running = await startTestServer();
    const admin = await openClient({ socket: running.socketPath });
    await admin.request({ type: 'session.add', name: 'Live' });
    const file = join(tempDir(), 'state.json');
    expect((await runCli(['export', file, '--data', running.dataDir])).code).toBe(0);
    const backup = join(running.dataDir, 'backups', 'backup.db');
    await admin.request({ type: 'server.backup', file: 'backup.db' });

    for (const args of [
      ['import-state', file],
      ['restore', backup],
    ]) {
      const refused = await runCli([...args, '--data', running.dataDir]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/running/);
    }
    expect(await admin.request({ type: 'session.list' })).toMatchObject([{ name: 'Live' }]);
  }, 180_000);
});

describe('[DURABILITY-4] backup and restore', () => {
  it('a backup taken under write load restores to a consistent state that a server starts on', async () => {
    const source = tempDir();
    const server = await spawnServer(source);
    const setup = await WireClient.open(server.url, { token: server.adminToken, client: 'backup-setup' });
    wires.add(setup);
    const timerSession = await setup.answer('setup', { type: 'session.add', name: 'timers' });
    const sessionId = (timerSession.message as { result: { id: number } }).result.id;

    // Three clients keep writing (sessions, players, pings, announcements due in an hour, cancels).
    const ledger: Tracked[] = [];
    let stop = false;
    const connections = await Promise.all(
      [0, 1, 2].map(async (w) => {
        const connection = await WireClient.open(server.url, {
          token: server.adminToken,
          client: `backup-worker-${w}`,
        });
        wires.add(connection);
        return connection;
      }),
    );
    const loads = connections.map((connection, w) =>
      runLoad(
        connection,
        `backup-worker-${w}`,
        {
          rng: seededRng(w + 1),
          prefix: `b${w}`,
          timerSession: sessionId,
          depth: 3,
          dueMs: [3_600_000, 7_200_000],
          ledger,
        },
        () => stop,
      ),
    );
    await waitFor(
      () => ledger.filter((t) => t.answer !== undefined).length >= 100,
      20_000,
      'the load getting going',
    );

    const acknowledgedBefore = ledger.filter((t) => t.answer !== undefined);
    const file = join(server.dataDir, 'backups', 'backup.db');
    const backup = await runCli(['--socket', server.socketPath, '--json', 'backup', 'backup.db'], {
      timeoutMs: 60_000,
    });
    const acknowledgedDuring =
      ledger.filter((t) => t.answer !== undefined).length - acknowledgedBefore.length;
    stop = true;
    await Promise.all(loads);
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file, totalPages: expect.any(Number) as number });
    // The writes went on while the backup was being made.
    expect(acknowledgedDuring).toBeGreaterThan(0);
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    const target = freshDirWithSecretsOf(source);
    const restored = await runCli(['restore', file, '--data', target, '--json']);
    expect(restored.code).toBe(0);
    expect(await replay(target)).toMatchObject({ equal: true, refused: [] });

    // Consistent: every request is in the backup completely or not at all; everything acknowledged before
    // the backup started is in it; broadcasts are gap-free; id counters are past every id.
    const store = readStore(target);
    expect(broadcastLogProblems(store)).toEqual([]);
    expect(ledger.flatMap((t) => allOrNothing({ ...t, answer: undefined }, store))).toEqual([]);
    expect(acknowledgedBefore.filter((t) => answered(store, t) !== t.answer?.text).map((t) => t.id)).toEqual(
      [],
    );
    for (const kind of ['session', 'player', 'timer']) {
      const ids = store.entities.filter((e) => e.kind === kind).map((e) => e.id);
      expect(Number(store.meta[`nextId:${kind}`])).toBeGreaterThan(Math.max(0, ...ids));
    }
    for (const session of store.entities.filter((e) => e.kind === 'session')) {
      expect(Object.keys(session.doc)).toEqual(
        expect.arrayContaining(['id', 'name', 'mode', 'timeZone', 'createdAt']),
      );
    }

    // A server starts on it and carries on: same sessions, armed timers, remembered answers, fresh ids.
    const again = await spawnServer(target);
    const client = await openClient({ url: again.url, token: again.adminToken });
    const sessions = await client.request({ type: 'session.list' });
    expect(sessions.map((s) => s.name).sort()).toEqual(
      store.entities
        .filter((e) => e.kind === 'session')
        .map((e) => e.doc.name as string)
        .sort(),
    );
    const armed = await client.request({ type: 'announcement.list' }, { session: sessionId });
    expect(armed.map((a) => a.id).sort((a, b) => a - b)).toEqual(
      store.entities.filter((e) => e.kind === 'timer').map((e) => e.id),
    );
    const sample = acknowledgedBefore.find((t) => t.kind === 'session.add') as Tracked;
    const resent = await WireClient.open(again.url, { token: again.adminToken, client: sample.client });
    wires.add(resent);
    expect((await resent.answer(sample.id, sample.command)).text).toBe(sample.answer?.text);
    const next = await client.request({ type: 'session.add', name: 'after the restore' });
    expect(next.id).toBe(Number(store.meta['nextId:session']));
  }, 180_000);

  it('[RESUME-2] a client that saw more than the restored store has is told to resync, and keeps receiving', async () => {
    const first = await startTestServer();
    const admin = await openClient({ url: first.url, token: first.adminToken });
    for (let i = 1; i <= 3; i++) await admin.request({ type: 'ping', text: `in the backup ${i}` });
    const file = join(first.dataDir, 'backups', 'backup.db');
    await admin.request({ type: 'server.backup', file: 'backup.db' });

    const proxy = await TcpProxy.forUrl(first.url);
    proxies.add(proxy);
    const watcher = await openClient(
      { url: proxy.url, token: first.adminToken },
      { reconnect: true, backoff: { initialMs: 10, maxMs: 50 } },
    );
    const seen: BroadcastMessage[] = [];
    watcher.onBroadcast((b) => seen.push(b));
    for (let i = 4; i <= 8; i++) await admin.request({ type: 'ping', text: `after the backup ${i}` });
    await waitFor(() => seen.length === 5, 10_000, 'the watcher seeing 4..8');
    expect(watcher.lastSeq.get('global')).toBe(8);

    // The server is replaced by one restored from the backup (which ends at 3).
    proxy.refusing = true;
    await first.stop();
    const target = freshDirWithSecretsOf(first.dataDir);
    expect((await runCli(['restore', file, '--data', target])).code).toBe(0);
    const second = await startTestServer({ dataDir: target });
    proxy.retarget(second.url);
    let notices = 0;
    const resync = new Promise<void>((resolve) =>
      watcher.onNotice((n) => {
        if (n.notice === 'resync' && n.stream === 'global') notices++;
        resolve();
      }),
    );
    let resumedWith: unknown;
    proxy.filter = (frame) => {
      const json = frameJson(frame);
      if (frame.direction === 'up' && json?.type === 'hello') resumedWith = json.since;
      return 'forward';
    };
    proxy.refusing = false;
    await resync;
    expect(resumedWith).toMatchObject({ global: 8 });
    // After the snapshot the client continues from the restored store's numbers: 4 is new to it.
    await waitFor(() => watcher.lastSeq.get('global') === 3, 10_000, 'the snapshot');
    const other = await openClient({ url: second.url, token: second.adminToken });
    await other.request({ type: 'ping', text: 'on the restored server' });
    await waitFor(() => seen.length === 6, 10_000, 'the first broadcast of the restored server');
    expect(seen.at(-1)).toMatchObject({ seq: 4, event: { type: 'pinged', text: 'on the restored server' } });
    expect(notices).toBe(1);
  }, 180_000);
});
