import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { TRUINLAG_VERSION } from '../../src/protocol/version.js';
import { ConnectionBoard } from '../../src/runtime/connection-board.js';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import { adminClient, makeWorld, type World } from '../auth/support.js';
import {
  closeClients,
  found,
  openClient,
  RawWsClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  theOne,
  type TestServer,
  waitFor,
} from '../helpers/index.js';

describe('[OPS-3] admin.connections, answered by the runtime over real sockets', () => {
  let server: TestServer;
  let admin: TruinlagClient;
  let world: World;
  let phone: TruinlagClient;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    world = await makeWorld(admin, 'C', 1);
    phone = await openClient({ url: server.url }, { appName: 'test-phone' });
    await phone.login(found(world.passphrases[0], 'the passphrase'));
  });

  afterAll(async () => {
    closeClients();
    await stopTestServers();
    removeTempDirs();
  });

  it('lists the player on WebSocket and the admin on the Unix socket, with role, app, last seen and queue', async () => {
    const { connections } = await admin.request({ type: 'admin.connections' });
    const player = found(world.players[0], 'the player').id;
    const onPhone = theOne(connections, (c) => c.player === player, 'the phone’s connection');
    expect(onPhone).toMatchObject({
      transport: 'ws',
      role: 'player',
      gameMaster: null,
      app: { name: 'test-phone', version: TRUINLAG_VERSION },
      queuedBytes: 0,
    });
    expect(onPhone.lastSeenAt).toBeGreaterThanOrEqual(onPhone.openedAt);
    const local = theOne(connections, (c) => c.transport === 'unix', 'the local connection');
    expect(local).toMatchObject({ role: 'admin', player: null, app: { name: 'truinlag-client' } });
  });

  it('says who was cut off and why: a wrong protocol version, and a client that closed', async () => {
    const stranger = await RawWsClient.open(server.url);
    stranger.send(JSON.stringify({ type: 'hello', protocol: 999 }));
    expect((await stranger.closed).code).toBe(CLOSE_CODES.VERSION_MISMATCH);
    const leaving = await RawWsClient.open(server.url);
    await leaving.hello({ app: { name: 'leaving', version: TRUINLAG_VERSION } });
    leaving.close();
    await expect(leaving.closed).resolves.toBeDefined();
    const ended = await waitForEnded(admin, 2);
    const [closedByClient, cutOff] = ended;
    expect(closedByClient).toMatchObject({ by: 'client', reason: 'closed-by-client', role: 'guest' });
    expect(closedByClient?.app?.name).toBe('leaving');
    expect(cutOff).toMatchObject({
      by: 'server',
      reason: 'version',
      code: CLOSE_CODES.VERSION_MISMATCH,
      role: 'none',
    });
    const { connections } = await admin.request({ type: 'admin.connections' });
    expect(connections.map((c) => c.id)).not.toContain(cutOff?.id);
  });

  it('refuses a player, and a request that names a session', async () => {
    await expect(phone.request({ type: 'admin.connections' })).rejects.toMatchObject({
      code: 'UNAUTHORISED',
    });
    await expect(
      admin.request({ type: 'admin.connections' }, { session: world.session.id }),
    ).rejects.toMatchObject({ code: 'SESSION_SUPPLIED' });
  });
});

describe('[OPS-4] admins are told when the connection board moves, coalesced', () => {
  let server: TestServer;
  let admin: TruinlagClient;
  let world: World;
  const notices: { version: number; at: number }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    world = await makeWorld(admin, 'N', 1);
    admin.onNotice((n) => {
      if (n.notice === 'connections')
        notices.push({ version: found(n.version, 'its version'), at: Date.now() });
    });
  });

  afterAll(async () => {
    closeClients();
    await stopTestServers();
    removeTempDirs();
  });

  /** The first notice from `from` on whose version is at least the board's version now. */
  const noticeOfBoard = async (from: number) => {
    const { version } = await admin.request({ type: 'admin.connections' });
    return waitFor(
      () => notices.slice(from).find((n) => n.version >= version),
      5_000,
      `a connections notice of version ${version}`,
    );
  };

  it('[OPS-4] a phone that connects and logs in is on the board the notice points to; players get none', async () => {
    const from = notices.length;
    const phone = await openClient({ url: server.url }, { appName: 'noticed-phone' });
    const phoneNotices: string[] = [];
    phone.onNotice((n) => phoneNotices.push(n.notice));
    await phone.login(found(world.passphrases[0], 'the passphrase'));
    const notice = await noticeOfBoard(from);
    const board = await admin.request({ type: 'admin.connections' });
    expect(board.version).toBeGreaterThanOrEqual(notice.version);
    const player = found(world.players[0], 'the player').id;
    theOne(board.connections, (c) => c.player === player && c.app?.name === 'noticed-phone', 'the phone');
    const leaving = await RawWsClient.open(server.url);
    await leaving.hello();
    leaving.close();
    await waitForEnded(admin, 1);
    await noticeOfBoard(from);
    expect(phoneNotices).toEqual([]);
  });

  it('[OPS-4] a storm of connections costs an admin about one notice a second, the last one current', async () => {
    const from = notices.length;
    const before = (await admin.request({ type: 'admin.connections' })).version;
    const started = Date.now();
    const storm = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const raw = await RawWsClient.open(server.url);
        await raw.hello();
        raw.close();
        return raw.closed;
      }),
    );
    expect(storm).toHaveLength(30);
    const last = await waitFor(
      async () => {
        const { version } = await admin.request({ type: 'admin.connections' });
        const latest = notices.at(-1);
        return version >= before + 90 && latest?.version === version ? latest : undefined;
      },
      10_000,
      'the notice of the storm’s last change',
    );
    const sent = notices.slice(from);
    const seconds = Math.ceil((last.at - started) / 1_000);
    // 90 changes (30 openings, hellos and endings): the first at once, then at most one per second.
    expect(sent.length).toBeLessThanOrEqual(seconds + 1);
    expect(sent.length).toBeLessThan(90);
    const versions = sent.map((n) => n.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });
});

/** The ended connections once there are at least `count` (the server sees a close a moment after the client). */
function waitForEnded(admin: TruinlagClient, count: number) {
  return waitFor(
    async () => {
      const { ended } = await admin.request({ type: 'admin.connections' });
      return ended.length >= count ? ended : undefined;
    },
    5_000,
    `${count} ended connections`,
  );
}

describe('[OPS-3] the ring of ended connections', () => {
  it('keeps the newest, at most its size', () => {
    let now = 0;
    const board = new ConnectionBoard(() => now, 3);
    const status = (id: string) => ({
      id,
      transport: 'ws' as const,
      role: 'guest' as const,
      player: null,
      gameMaster: null,
      app: null,
      openedAt: 0,
      lastSeenAt: 0,
      queuedBytes: 0,
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      const connection = { id, status: () => status(id) };
      board.opened(connection);
      now++;
      board.closed(connection, { by: 'server', code: 4008, text: 'slow', reason: 'slow-consumer' });
    }
    const { connections, ended } = board.snapshot();
    expect(connections).toEqual([]);
    expect(ended.map((e) => [e.id, e.endedAt])).toEqual([
      ['e', 5],
      ['d', 4],
      ['c', 3],
    ]);
  });
});
