import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type TruinlagClient } from '../../src/client/node.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { FakeClock } from '../../src/runtime/clock.js';
import {
  closeClients,
  nextBroadcast,
  openClient,
  RawUnixClient,
  RawWsClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type ClientTarget,
  type TestServer,
} from '../helpers/index.js';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const isPinged = (text: string) => (b: BroadcastMessage) =>
  b.event.type === 'pinged' && b.event.text === text;

/** Both transports, as the client library reaches them. */
const transports: [string, (s: TestServer) => ClientTarget][] = [
  ['WebSocket', (s) => ({ url: s.url, token: s.adminToken })],
  ['Unix socket', (s) => ({ socket: s.socketPath })],
];

describe.each(transports)('over the %s', (_name, target) => {
  it('[PING-1] a ping answers the requester and is broadcast to both clients', async () => {
    const a = await openClient(target(server));
    const b = await openClient(target(server));
    const seenByA = nextBroadcast(a, isPinged('hello'));
    const seenByB = nextBroadcast(b, isPinged('hello'));
    await expect(a.request({ type: 'ping', text: 'hello' })).resolves.toEqual({ text: 'hello' });
    const [fromA, fromB] = await Promise.all([seenByA, seenByB]);
    expect(fromA).toEqual(fromB);
    expect(fromA).toMatchObject({
      type: 'broadcast',
      session: null,
      seq: 1,
      event: { type: 'pinged', text: 'hello' },
    });
  });

  it('[PING-1] a ping without a text is only answered: nobody is sent a broadcast', async () => {
    const a = await openClient(target(server));
    const b = await openClient(target(server));
    const seen: BroadcastMessage[] = [];
    b.onBroadcast((m) => seen.push(m));
    await expect(a.request({ type: 'ping' })).resolves.toEqual({ text: null });
    // A later text ping is the first broadcast of the stream: the text-less one took no sequence number.
    const marker = nextBroadcast(b, isPinged('after'));
    await a.request({ type: 'ping', text: 'after' });
    await expect(marker).resolves.toMatchObject({ seq: 1 });
    expect(seen.map((m) => m.event)).toEqual([{ type: 'pinged', text: 'after' }]);
  });

  it('[VISIBILITY-1] a command-only connection gets its responses but no broadcasts, live or resumed', async () => {
    const opened: TruinlagClient[] = [];
    const watcher = await openClient(target(server));
    const quiet = await openClient(target(server), { broadcasts: false });
    const heard: BroadcastMessage[] = [];
    quiet.onBroadcast((m) => heard.push(m));
    const seen = nextBroadcast(watcher, isPinged('one'));
    await expect(quiet.request({ type: 'ping', text: 'one' })).resolves.toEqual({ text: 'one' });
    await seen;
    // Resuming from before that broadcast replays it to a watching client only. Listeners are attached
    // before the welcome, so a replay right behind it could not be missed.
    const resumed = async (broadcasts: boolean, into: BroadcastMessage[]): Promise<TruinlagClient> => {
      const t = target(server);
      const options = { reconnect: false, broadcasts, since: { global: 0 } };
      const client =
        'url' in t
          ? connect({ ...options, url: t.url, token: t.token })
          : connect({ ...options, socket: t.socket });
      client.onBroadcast((m) => into.push(m));
      opened.push(client);
      await client.ready;
      return client;
    };
    const replayedToWatcher: BroadcastMessage[] = [];
    const resumedQuiet = await resumed(false, heard);
    await resumed(true, replayedToWatcher);
    await resumedQuiet.request({ type: 'ping', text: 'two' });
    await resumedQuiet.request({ type: 'ping' });
    expect(replayedToWatcher.map((m) => m.event)).toContainEqual({ type: 'pinged', text: 'one' });
    expect(heard).toEqual([]);
    for (const client of opened) client.close();
  });

  it('pipelined requests from two clients each get their own response', async () => {
    const clients = [await openClient(target(server)), await openClient(target(server))];
    const n = 60;
    const run = async (client: TruinlagClient, who: number): Promise<void> => {
      const calls = Array.from({ length: n }, async (_, i) => {
        const tag = `${who}-${i}`;
        switch (i % 3) {
          case 0:
            expect(await client.request({ type: 'ping', text: tag })).toEqual({ text: tag });
            break;
          case 1:
            expect(await client.request({ type: 'session.add', name: `s-${tag}` })).toMatchObject({
              name: `s-${tag}`,
            });
            break;
          default:
            // A refused request: the error comes back to this request, not to another.
            await expect(
              client.request({ type: 'announcement.list' }, { session: 100_000 + who * 1000 + i }),
            ).rejects.toMatchObject({ code: 'NOT_FOUND', details: { id: 100_000 + who * 1000 + i } });
        }
      });
      await Promise.all(calls);
    };
    await Promise.all(clients.map((client, who) => run(client, who)));
    const sessions = await clients[0]?.request({ type: 'session.list' });
    expect(sessions).toHaveLength(2 * (n / 3));
    expect(new Set(sessions?.map((s) => s.id)).size).toBe(2 * (n / 3));
  });
});

describe('[PROTOCOL-2] responses never go to the wrong client', () => {
  it('two raw connections using the same request ids each get only their own answers', async () => {
    const ws = await RawWsClient.open(server.url);
    const unix = await RawUnixClient.open(server.socketPath);
    const ws2 = await RawWsClient.open(server.url);
    const admin = { token: server.adminToken };
    await Promise.all([ws.hello(admin), unix.hello(), ws2.hello(admin)]);
    const connections = [
      ['ws', ws],
      ['unix', unix],
      ['ws2', ws2],
    ] as const;
    const n = 50;
    for (let i = 0; i < n; i++) {
      for (const [name, connection] of connections)
        connection.request(`r${i}`, { type: 'ping', text: `${name}:${i}` });
    }
    for (const [name, connection] of connections) {
      for (let i = 0; i < n; i++) {
        const answer = await connection.inbox.answer(`r${i}`);
        expect(answer).toEqual({ type: 'response', id: `r${i}`, ok: true, result: { text: `${name}:${i}` } });
      }
    }
    // Each connection got exactly n responses, and every one of the 3n pings as a broadcast, in seq order.
    for (const [, connection] of connections) {
      const responses = connection.inbox.all.filter((m) => m.type === 'response');
      expect(responses).toHaveLength(n);
      await connection.inbox.next((m) => m.type === 'broadcast' && m.seq === 3 * n);
      const seqs = connection.inbox.all.flatMap((m) => (m.type === 'broadcast' ? [m.seq] : []));
      expect(seqs).toEqual(Array.from({ length: 3 * n }, (_, i) => i + 1));
      expect(connection.inbox.violations).toEqual([]);
    }
    ws.close();
    ws2.close();
    unix.close();
  });

  it('a broadcast reaches WebSocket and Unix-socket clients alike, with the same sequence number', async () => {
    const a = await openClient({ url: server.url, token: server.adminToken });
    const b = await openClient({ socket: server.socketPath });
    const seen = Promise.all([nextBroadcast(a, isPinged('both')), nextBroadcast(b, isPinged('both'))]);
    await b.request({ type: 'ping', text: 'both' });
    const [fromA, fromB] = await seen;
    expect(fromA).toEqual(fromB);
  });
});

describe('health', () => {
  it('GET /healthz answers over HTTP on the same port', async () => {
    const response = await fetch(`${server.url.replace('ws://', 'http://')}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, protocol: PROTOCOL_VERSION });
    const missing = await fetch(`${server.url.replace('ws://', 'http://')}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('the welcome', () => {
  it("tells the server's time by the runtime's clock, on both transports", async () => {
    const clock = new FakeClock(Date.UTC(2030, 0, 2, 3, 4, 5));
    clock.advance(1234);
    const timed = await startTestServer({ clock });
    const ws = await RawWsClient.open(timed.url);
    const unix = await RawUnixClient.open(timed.socketPath);
    for (const welcome of [await ws.hello({ token: timed.adminToken }), await unix.hello()]) {
      expect(welcome).toMatchObject({ type: 'welcome', role: 'admin', serverTime: clock.now() });
    }
    ws.close();
    unix.close();
  });
});
