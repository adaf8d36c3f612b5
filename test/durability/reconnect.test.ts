import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { BroadcastMessage, Notice } from '../../src/protocol/envelope.js';
import { FakeClock } from '../../src/runtime/clock.js';
import {
  closeClients,
  killSpawnedServers,
  openClient,
  removeTempDirs,
  spawnServer,
  startTestServer,
  stopTestServers,
  tempDir,
  waitFor,
  withTimeout,
} from '../helpers/index.js';
import { frameJson, TcpProxy } from './proxy.js';
import { loggedFrames, readStore } from './support.js';

/**
 * Reconnects (IDEMPOTENCY-1, RESUME-2) with the client library: a TCP proxy between client and server
 * cuts the connection at exact moments (mid-stream, between a response and its delivery, before a request reaches the
 * server) or keeps the client away while the server restarts.
 */

const proxies = new Set<TcpProxy>();

async function proxyFor(url: string): Promise<TcpProxy> {
  const proxy = await TcpProxy.forUrl(url);
  proxies.add(proxy);
  return proxy;
}

afterEach(async () => {
  closeClients();
  for (const proxy of proxies) await proxy.close();
  proxies.clear();
  await stopTestServers();
  await killSpawnedServers();
  removeTempDirs();
});

/** A client library connection through the proxy that reconnects quickly. */
async function reconnecting(url: string, token: string, extra: { clientId?: string } = {}): Promise<Watched> {
  const client = await openClient(
    { url, token },
    { reconnect: true, backoff: { initialMs: 10, maxMs: 50 }, requestTimeoutMs: 30_000, ...extra },
  );
  return new Watched(client);
}

/** Records everything a client library connection delivers: broadcasts, notices, connection changes. */
class Watched {
  readonly broadcasts: BroadcastMessage[] = [];
  readonly notices: Notice[] = [];
  disconnects = 0;
  private readonly wakers = new Set<() => void>();

  constructor(readonly client: TruinlagClient) {
    client.onBroadcast((b) => {
      this.broadcasts.push(b);
      this.wake();
    });
    client.onNotice((n) => {
      this.notices.push(n);
      this.wake();
    });
    client.onConnection((state) => {
      if (state.status === 'closed') this.disconnects++;
      this.wake();
    });
  }

  /** Resolves once `predicate` holds (checked whenever something arrives). */
  async until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (predicate()) return;
    let wake: () => void = () => undefined;
    const met = new Promise<void>((resolve) => {
      wake = () => {
        if (predicate()) resolve();
      };
      this.wakers.add(wake);
    });
    try {
      await withTimeout(met, timeoutMs, what);
    } finally {
      this.wakers.delete(wake);
    }
  }

  stream(stream: string): BroadcastMessage[] {
    return this.broadcasts.filter((b) => String(b.session ?? 'global') === stream);
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }
}

const pingTexts = (list: readonly BroadcastMessage[]): (string | null)[] =>
  list.flatMap((b) => (b.event.type === 'pinged' ? [b.event.text] : []));

const seqs = (list: readonly BroadcastMessage[]): number[] => list.map((b) => b.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('[RESUME-2] resuming broadcasts', () => {
  it('a client cut off mid-stream gets every missed broadcast once, in order, then the live ones', async () => {
    const server = await startTestServer();
    const proxy = await proxyFor(server.url);
    const watcher = await reconnecting(proxy.url, server.adminToken);
    const pinger = await openClient({ url: server.url, token: server.adminToken });

    // Cut the watcher off right before the 20th broadcast reaches it, and keep it away for a while.
    proxy.filter = (frame) => {
      const json = frameJson(frame);
      if (frame.direction !== 'down' || json?.type !== 'broadcast' || json.seq !== 20) return 'forward';
      proxy.refusing = true;
      proxy.filter = undefined;
      return 'sever';
    };
    for (let i = 1; i <= 60; i++) {
      await pinger.request({ type: 'ping', text: `p${i}` });
      if (i === 45) proxy.refusing = false;
    }
    await watcher.until(() => watcher.broadcasts.at(-1)?.seq === 60, 'the watcher catching up to 60');
    for (let i = 61; i <= 70; i++) await pinger.request({ type: 'ping', text: `p${i}` });
    await watcher.until(() => watcher.broadcasts.at(-1)?.seq === 70, 'the live broadcasts after resuming');

    expect(watcher.disconnects).toBe(1);
    expect(seqs(watcher.broadcasts)).toEqual(range(1, 70));
    expect(pingTexts(watcher.broadcasts)).toEqual(range(1, 70).map((i) => `p${i}`));
    expect(watcher.broadcasts).toEqual(loggedFrames(readStore(server.dataDir), 'global'));
  });

  it('a server killed and restarted while the client waits: it gets what it missed once, in order; its waiting requests apply once', async () => {
    const dataDir = tempDir();
    const first = await spawnServer(dataDir);
    const proxy = await proxyFor(first.url);
    const watcher = await reconnecting(proxy.url, first.adminToken);
    const pinger = await openClient({ url: first.url, token: first.adminToken });
    for (let i = 1; i <= 10; i++) await pinger.request({ type: 'ping', text: `before ${i}` });
    await watcher.until(() => watcher.broadcasts.length === 10, 'the first ten broadcasts');
    // Some more are committed right before the crash; the watcher may or may not have them yet.
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      pinger.request({ type: 'ping', text: `racing ${i}` }).then(
        () => true,
        () => false,
      ),
    );
    expect(await inFlight[0]).toBe(true);
    proxy.refusing = true;
    await first.kill('SIGKILL');
    await Promise.all(inFlight);
    await watcher.until(() => watcher.disconnects === 1, 'the watcher noticing the crash');

    // While the server is down the watcher's requests wait.
    const waiting = [
      watcher.client.request({ type: 'session.add', name: 'Sent while down' }),
      watcher.client.request({ type: 'ping', text: 'sent while down' }),
    ];
    const second = await spawnServer(dataDir);
    proxy.retarget(second.url);
    const pinger2 = await openClient({ url: second.url, token: second.adminToken });
    for (let i = 1; i <= 10; i++) await pinger2.request({ type: 'ping', text: `after ${i}` });
    proxy.refusing = false;

    const [session, ping] = await Promise.all(waiting);
    expect(session).toMatchObject({ name: 'Sent while down' });
    expect(ping).toEqual({ text: 'sent while down' });
    const sessions = await pinger2.request({ type: 'session.list' });
    expect(sessions.filter((s) => s.name === 'Sent while down')).toEqual([session]);

    const logged = (): BroadcastMessage[] => loggedFrames(readStore(dataDir), 'global');
    const last = logged().at(-1)?.seq ?? 0;
    await watcher.until(() => watcher.broadcasts.at(-1)?.seq === last, 'the watcher catching up');
    expect(watcher.broadcasts).toEqual(logged());
    expect(seqs(watcher.broadcasts)).toEqual(range(1, last));
    expect(pingTexts(watcher.broadcasts).filter((t) => t === 'sent while down')).toHaveLength(1);
    expect(pingTexts(watcher.broadcasts).slice(0, 10)).toEqual(range(1, 10).map((i) => `before ${i}`));
    await second.kill('SIGTERM');
  }, 120_000);

  it('a client whose missed broadcasts are no longer kept is told to resync, takes a snapshot and continues', async () => {
    const clock = new FakeClock(Date.now());
    const server = await startTestServer({ clock });
    const proxy = await proxyFor(server.url);
    const watcher = await reconnecting(proxy.url, server.adminToken);
    const pinger = await openClient({ url: server.url, token: server.adminToken });
    for (let i = 1; i <= 5; i++) await pinger.request({ type: 'ping', text: `old ${i}` });
    await watcher.until(() => watcher.broadcasts.length === 5, 'five broadcasts');
    proxy.refusing = true;
    proxy.sever();
    await watcher.until(() => watcher.disconnects === 1, 'the cut');

    // Missed while away, and then more than a day passes: the log is pruned past them.
    for (let i = 6; i <= 8; i++) await pinger.request({ type: 'ping', text: `missed ${i}` });
    clock.advance(25 * 60 * 60_000);
    await pinger.request({ type: 'ping', text: 'a day later' });
    expect(readStore(server.dataDir).broadcasts.map((b) => b.seq)).toEqual([9]);

    proxy.refusing = false;
    await watcher.until(() => watcher.notices.length === 1, 'the resync notice');
    expect(watcher.notices[0]).toMatchObject({ type: 'notice', notice: 'resync', stream: 'global' });
    // The client library took the snapshot by itself and continues from its sequence number.
    // (Polled: the client has no event for a finished snapshot.)
    await waitFor(() => watcher.client.lastSeq.get('global') === 9, 10_000, 'the snapshot');
    await pinger.request({ type: 'ping', text: 'live again' });
    await watcher.until(() => watcher.broadcasts.length === 6, 'the next live broadcast');
    expect(seqs(watcher.broadcasts)).toEqual([1, 2, 3, 4, 5, 10]);
    expect(pingTexts(watcher.broadcasts).at(-1)).toBe('live again');
  });

  it('resumes a stream the client had not received anything on yet', async () => {
    const server = await startTestServer();
    const admin = await openClient({ url: server.url, token: server.adminToken });
    await admin.request({ type: 'session.add', name: 'Quiet' });
    const proxy = await proxyFor(server.url);
    const watcher = await reconnecting(proxy.url, server.adminToken);
    await admin.request({ type: 'ping', text: 'seen live' });
    await watcher.until(() => watcher.broadcasts.length === 1, 'the live ping');

    proxy.refusing = true;
    proxy.sever();
    await watcher.until(() => watcher.disconnects === 1, 'the cut');
    // While the watcher is away: the quiet session's first broadcast, and a session created meanwhile.
    await admin.request({ type: 'clock.pause' }, { session: 1 });
    const created = await admin.request({ type: 'session.add', name: 'New' });
    await admin.request({ type: 'clock.pause' }, { session: created.id });
    proxy.refusing = false;
    // Back: the global stream's missed `session.added` is replayed.
    await watcher.until(() => watcher.stream('global').length === 2, 'the reconnect');

    await admin.request({ type: 'clock.resume' }, { session: 1 });
    await admin.request({ type: 'clock.resume' }, { session: created.id });
    await watcher.until(
      () =>
        watcher.stream('1').length >= 1 &&
        watcher.stream(String(created.id)).some((b) => b.event.type === 'clock.resumed'),
      'the live broadcasts',
    );
    expect(seqs(watcher.stream('1'))).toEqual([1, 2]);
    expect(seqs(watcher.stream(String(created.id)))).toEqual([1, 2]);
    expect(watcher.stream('global').map((b) => b.event.type)).toEqual(['pinged', 'session.added']);
  });
});

describe('[IDEMPOTENCY-1] re-sending requests after a reconnect', () => {
  it('a request whose answer was lost with the connection is re-sent with its id and applies once', async () => {
    const server = await startTestServer();
    const proxy = await proxyFor(server.url);
    const actor = await reconnecting(proxy.url, server.adminToken);
    let requestId: string | undefined;
    let sentUp = 0;
    // The request reaches the server; its answer is dropped together with the connection.
    proxy.filter = (frame) => {
      const json = frameJson(frame);
      const command = json?.command as { name?: string } | undefined;
      if (frame.direction === 'up' && json?.type === 'request' && command?.name === 'Answer lost') {
        requestId = json.id as string;
        sentUp++;
      }
      if (frame.direction === 'down' && json?.type === 'response' && json.id === requestId && sentUp === 1) {
        return 'sever';
      }
      return 'forward';
    };
    const session = await actor.client.request({ type: 'session.add', name: 'Answer lost' });
    expect(actor.disconnects).toBe(1);
    expect(sentUp).toBe(2);
    const stored = readStore(server.dataDir);
    expect(stored.entities.filter((e) => e.kind === 'session')).toEqual([
      { kind: 'session', id: session.id, doc: expect.objectContaining({ name: 'Answer lost' }) as unknown },
    ]);
    expect(stored.journal).toHaveLength(1);
    // The session.added broadcast was sent once, and the client delivered it once.
    await actor.until(() => actor.broadcasts.length === 1, 'the broadcast');
    expect(stored.broadcasts).toHaveLength(1);
  });

  it('a request lost on its way to the server is re-sent after the reconnect and applies once', async () => {
    const server = await startTestServer();
    const proxy = await proxyFor(server.url);
    const actor = await reconnecting(proxy.url, server.adminToken);
    let sentUp = 0;
    proxy.filter = (frame) => {
      const json = frameJson(frame);
      const command = json?.command as { name?: string } | undefined;
      if (frame.direction !== 'up' || json?.type !== 'request' || command?.name !== 'Request lost')
        return 'forward';
      return ++sentUp === 1 ? 'sever' : 'forward';
    };
    const player = await actor.client.request({
      type: 'player.add',
      name: 'Request lost',
      passphrase: 'lost-secret-words',
    });
    expect(actor.disconnects).toBe(1);
    expect(sentUp).toBe(2);
    const players = await actor.client.request({ type: 'player.list' });
    expect(players).toEqual([player]);
    expect(readStore(server.dataDir).journal).toHaveLength(1);
  });
});
