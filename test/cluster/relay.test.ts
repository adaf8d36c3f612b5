import { connect as connectNats, type NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { relayHeaders, relaySubjects } from '../../src/cluster/relay-subjects.js';
import type { TruinlagClient } from '../../src/client/client.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import { collect, makeWorld, settle } from '../auth/support.js';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import { nextBroadcast } from '../helpers/clients.js';
import { found } from '../helpers/found.js';
import { RawWsClient } from '../helpers/raw.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor, withTimeout } from '../helpers/wait.js';
import {
  clientStartingOn,
  clusterDataDirs,
  owner,
  startNode,
  standbyReady,
  urlClient,
  type NodeProcess,
} from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { streamGaps, notExactlyOnce, SessionLoad } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();

/** `count` nodes on three NATS servers: the owner, and the standbys once each knows the owner. */
async function cluster(
  count: number,
  env: Record<string, string> = {},
  maxPayload?: number,
): Promise<{ first: NodeProcess; standbys: NodeProcess[]; token: string }> {
  run.nats = await startNatsCluster(3, maxPayload);
  const { dirs, adminToken } = clusterDataDirs(count);
  const urls = run.nats.urls;
  run.nodes = await Promise.all(dirs.map((dir, i) => startNode(`node-${i + 1}`, dir, urls, env)));
  const first = await owner(run.nodes);
  const standbys = run.nodes.filter((n) => n !== first);
  await Promise.all(standbys.map((n) => standbyReady(n, first)));
  return { first, standbys, token: adminToken };
}

/** A client of the given URLs only (in turn on each reconnect), remembered for the clean-up. */
function client(urls: readonly string[], options: Parameters<typeof urlClient>[1] = {}): TruinlagClient {
  const made = urlClient(urls, options);
  run.clients.push(made);
  return made;
}

/** A player's client through `url`: a guest that logs in with the passphrase. */
async function player(url: string, passphrase: string, clientId: string): Promise<TruinlagClient> {
  const made = client([url], { clientId });
  await made.ready;
  await made.login(passphrase);
  return made;
}

const sessionsOf = (received: readonly BroadcastMessage[]): (number | null)[] => [
  ...new Set(received.map((b) => b.session)),
];

describe('any node of a cluster serves any client', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-4] a client of a standby logs in and its mutating requests are answered by the owner', async () => {
    const { first, standbys, token } = await cluster(2);
    const standby = found(standbys[0], 'the standby');
    const admin = client([standby.url], { token, clientId: 'admin-on-standby' });
    expect((await admin.ready).role).toBe('admin');
    const world = await makeWorld(admin, 'S', 1);
    const onStandby = await player(
      standby.url,
      found(world.passphrases[0], 'passphrase'),
      'player-on-standby',
    );
    expect(onStandby.welcome).toMatchObject({ role: 'player', session: world.session.id });
    const team = await admin.request({ type: 'team.add', name: 'Relayed' }, { session: world.session.id });
    const state = await onStandby.request({ type: 'session.state' });
    expect(state.teams.map((t) => t.id)).toContain(team.id);
    // The owner runs the relayed connections: its own admin sees them on its board, with their node.
    const local = client([first.url], { token, clientId: 'admin-on-owner' });
    const { connections } = await local.request({ type: 'admin.connections' });
    const viaOf = (id: string | undefined) => connections.find((c) => c.id === id)?.via ?? 'direct';
    expect(viaOf(admin.welcome?.connection)).toBe(standby.name);
    expect(viaOf(onStandby.welcome?.connection)).toBe(standby.name);
    expect(viaOf(local.welcome?.connection)).toBe('direct');
  });

  it('[CLUSTER-4] broadcasts reach clients on the owner and on a standby by the owner’s audience', async () => {
    const { first, standbys, token } = await cluster(2);
    const standby = found(standbys[0], 'the standby');
    const admin = client([first.url], { token, clientId: 'admin-on-owner' });
    await admin.ready;
    const a = await makeWorld(admin, 'A', 2);
    const b = await makeWorld(admin, 'B', 1);
    const onOwner = await player(first.url, found(a.passphrases[0], 'A0'), 'a0-on-owner');
    const onStandby = await player(standby.url, found(a.passphrases[1], 'A1'), 'a1-on-standby');
    const otherSession = await player(standby.url, found(b.passphrases[0], 'B0'), 'b0-on-standby');
    const [seenOnOwner, seenOnStandby, seenByOther] = [
      collect(onOwner),
      collect(onStandby),
      collect(otherSession),
    ];

    const toStandby = nextBroadcast(onStandby, (m) => m.event.type === 'pinged');
    await onOwner.request({ type: 'ping', text: 'from the owner’s client' });
    expect((await toStandby).event).toMatchObject({ type: 'pinged', text: 'from the owner’s client' });
    const toOwner = nextBroadcast(onOwner, (m) => m.event.type === 'pinged');
    await onStandby.request({ type: 'ping', text: 'from the standby’s client' });
    expect((await toOwner).event).toMatchObject({ type: 'pinged', text: 'from the standby’s client' });
    await settle(admin, [onOwner, onStandby, otherSession], 'settled');

    expect(sessionsOf(seenOnOwner)).toEqual(expect.arrayContaining([a.session.id]));
    expect(sessionsOf(seenOnStandby)).toEqual(expect.arrayContaining([a.session.id]));
    // The player of the other session heard the global ping only: nothing of session A.
    expect(sessionsOf(seenByOther)).not.toContain(a.session.id);
    expect(seenByOther.map((m) => m.event.type)).toEqual(['pinged']);
    expect(seenByOther[0]?.session).toBeNull();
  });

  it('[CLUSTER-6] after the owner is killed, clients of the owner and of a standby resume with no gap and no repeat, and a re-sent request is answered once', async () => {
    const { first, standbys, token } = await cluster(3);
    const standby = found(standbys[0], 'a standby');
    // One client starts on the owner and goes round every node; the other knows only the standby.
    const rotating = clientStartingOn(first.url, [first.url, ...standbys.map((n) => n.url)], {
      token,
      clientId: 'rotating-client',
    });
    run.clients.push(rotating);
    const relayed = client([standby.url], { token, clientId: 'relayed-client' });
    await Promise.all([rotating.ready, relayed.ready]);
    const [seenRotating, seenRelayed] = [collect(rotating), collect(relayed)];
    const raw = await RawWsClient.open(standby.url);
    expect(await raw.hello({ token, client: 'raw-relayed-client' })).toMatchObject({ type: 'welcome' });
    const loads = [new SessionLoad(rotating, 'owner', 2), new SessionLoad(relayed, 'standby', 2)];
    await waitFor(
      () => loads.every((l) => l.acknowledged.length >= 15),
      20_000,
      'requests acknowledged on both clients',
    );
    const once = { type: 'session.add', name: 'sent before and after the kill under one id' } as const;
    const answer = await relayed.request(once, { id: 'the-same-id' });

    first.signal('SIGKILL');
    const acknowledgedAtKill = loads.map((l) => l.acknowledged.length);
    await owner(standbys, 15_000);
    // The standby's sockets were closed with RELAY_LOST (its owner changed, or it took over itself).
    expect((await raw.closed).code).toBe(CLOSE_CODES.RELAY_LOST);
    await waitFor(
      () => loads.every((l, i) => l.acknowledged.length >= (acknowledgedAtKill[i] as number) + 15),
      20_000,
      'requests acknowledged on both clients after the kill',
    );
    await Promise.all(loads.map((l) => l.stop()));

    // The new owner answers the re-sent request from the log: the first answer, and no second session.
    expect(await relayed.request(once, { id: 'the-same-id' })).toEqual(answer);
    const everything = loads.flatMap((l) => l.acknowledged);
    expect(await notExactlyOnce(relayed, [...everything, once.name])).toEqual([]);
    await settle(rotating, [rotating, relayed], 'after the kill');
    for (const seen of [seenRotating, seenRelayed]) {
      expect(streamGaps(seen, null)).toEqual([]);
      const added = seen.flatMap((m) => (m.event.type === 'session.added' ? [m.event.session.name] : []));
      expect(everything.filter((name) => added.filter((n) => n === name).length !== 1)).toEqual([]);
    }
  });

  it('[CLUSTER-5] a relaying node that stops reading costs the owner nothing: its client is cut off (4008), everyone else carries on', async () => {
    const { first, standbys, token } = await cluster(2, { TRUINLAG_MAX_QUEUE_BYTES: String(64 * 1024) });
    const standby = found(standbys[0], 'the standby');
    const admin = client([first.url], { token, clientId: 'admin-on-owner' });
    const relayed = client([standby.url], { token, clientId: 'relayed-client', reconnect: false });
    await Promise.all([admin.ready, relayed.ready]);
    const relayedId = found(relayed.welcome?.connection, 'the relayed connection');
    standby.signal('SIGSTOP');
    // Each ping is broadcast to the relayed client too, whose frames the frozen relay never acknowledges.
    const text = 'x'.repeat(1000);
    const ended = async (): Promise<boolean> => {
      const board = await admin.request({ type: 'admin.connections' });
      return board.ended.some((c) => c.id === relayedId && c.reason === 'slow-consumer');
    };
    let pings = 0;
    while (pings < 400 && !(pings % 50 === 0 && pings > 0 && (await ended()))) {
      await admin.request({ type: 'ping', text });
      pings++;
    }
    expect(await ended()).toBe(true);
    expect(pings).toBeLessThan(400);
    standby.signal('SIGCONT');
    await admin.request({ type: 'ping', text: 'after the cut' });
  });

  it('[CLUSTER-4] frames larger than a NATS message travel in pieces, both ways', async () => {
    // NATS servers that carry at most 8 KiB a message: the state and a large request need several.
    const { standbys, token } = await cluster(2, {}, 8 * 1024);
    const standby = found(standbys[0], 'the standby');
    const admin = client([standby.url], { token, clientId: 'admin-on-standby' });
    await admin.ready;
    const names = Array.from({ length: 80 }, (_, i) => `A session with a rather long name, number ${i}`);
    for (const name of names) await admin.request({ type: 'session.add', name });
    const state = await admin.request({ type: 'state.get' });
    expect(JSON.stringify(state).length).toBeGreaterThan(8 * 1024);
    expect(state.sessions.map((s) => s.name)).toEqual(names);
    // A request of 20 KB reaches the owner whole: it is read, and refused for its text, under its id.
    await expect(admin.request({ type: 'ping', text: 'x'.repeat(20_000) })).rejects.toMatchObject({
      code: 'MALFORMED',
    });
  });

  it('[CLUSTER-4] the owner counts relayed connections by the client’s address with its own (LIMIT-6)', async () => {
    const { first, standbys } = await cluster(2, { TRUINLAG_CONNECTIONS_PER_ADDRESS: '2' });
    const standby = found(standbys[0], 'the standby');
    const held = [await RawWsClient.open(standby.url), await RawWsClient.open(first.url)];
    // Both held connections said hello as guests: the owner runs them, and counts both for 127.0.0.1.
    for (const raw of held)
      expect(await raw.hello({ client: 'raw-guest-client' })).toMatchObject({ role: 'guest' });
    for (const url of [standby.url, first.url]) {
      const refused = await RawWsClient.open(url);
      expect(await refused.inbox.next((m) => m.type === 'error')).toMatchObject({
        error: { code: 'TOO_MANY_CONNECTIONS' },
      });
      expect((await refused.closed).code).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
    }
    for (const raw of held) raw.close();
  });

  it('[CLUSTER-10] a relayed connection the owner ends because frames were lost is on its board as relay-lost', async () => {
    const { standby, admin, nc, raw, connection, subject } = await relayedRawClient();
    try {
      // A frame numbered far past the next one: to the owner, frames were lost on the way.
      nc.publish(subject, '{}', { headers: relayHeaders({ kind: 'f', n: 1_000 }) });
      expect((await raw.closed).code).toBe(CLOSE_CODES.RELAY_LOST);
      const board = await admin.request({ type: 'admin.connections' });
      expect(board.ended.find((c) => c.id === connection)).toMatchObject({
        transport: 'ws',
        via: standby.name,
        by: 'server',
        code: CLOSE_CODES.RELAY_LOST,
        reason: 'relay-lost',
      });
    } finally {
      await nc.close();
    }
  });

  it('[CLUSTER-5] a relayed client whose connection the owner no longer runs is told to reconnect when it sends', async () => {
    const { admin, nc, raw, connection, subject } = await relayedRawClient();
    try {
      // The owner ends its side as if the client went away, and the relay never hears of it (as when
      // the owner's close is lost while its NATS connection is cut): the relay's socket stays open.
      nc.publish(subject, '', { headers: relayHeaders({ kind: 'e', code: 1001 }) });
      await waitFor(
        async () =>
          (await admin.request({ type: 'admin.connections' })).ended.some((c) => c.id === connection),
        10_000,
        'the owner ending its side',
      );
      // The client's next frame reaches an owner that does not run its connection: it is closed, so
      // that the client reconnects and resumes instead of waiting for an answer that never comes.
      raw.send(JSON.stringify({ type: 'request', id: 'r-after', command: { type: 'ping' } }));
      const closed = await withTimeout(raw.closed, 10_000, 'the half-open relayed socket closed');
      expect(closed).toEqual({
        code: CLOSE_CODES.RELAY_LOST,
        reason: 'the owner does not run this connection: reconnect and resume',
      });
    } finally {
      await nc.close();
    }
  });

  it('[CLUSTER-5] an owner that sends to a connection the relay no longer has is told it ended', async () => {
    const { first, standbys } = await cluster(2);
    const standby = found(standbys[0], 'the standby');
    const nc = await connectNats({ servers: found(run.nats, 'NATS').urls.split(',') });
    try {
      const ends: { connection: string; kind?: string | undefined; from?: string | undefined }[] = [];
      nc.subscribe(relaySubjects.allToOwner(first.name), {
        callback: (_e, m) =>
          void ends.push({ connection: m.subject, kind: m.headers?.get('k'), from: m.headers?.get('o') }),
      });
      await nc.flush();
      const toStandby = (connection: string, kind: 'f' | 'c'): void =>
        nc.publish(relaySubjects.toRelay(standby.name, connection), '{}', {
          headers: relayHeaders({ kind, n: 1, code: CLOSE_CODES.RELAY_LOST, from: first.name }),
        });
      // A frame of the owner for a connection the standby does not relay (its end was lost on the way).
      toStandby('gone-1', 'f');
      await waitFor(() => ends.length > 0, 10_000, 'the standby telling the owner the connection ended');
      // The owner's close of such a connection needs no answer; a frame after it is answered again, so
      // once that answer is here, the close was read and answered with nothing (NATS keeps the order).
      toStandby('gone-2', 'c');
      toStandby('gone-3', 'f');
      await waitFor(() => ends.length > 1, 10_000, 'the answer to the last frame');
      expect(ends).toEqual(
        ['gone-1', 'gone-3'].map((id) => ({
          connection: relaySubjects.toOwner(first.name, id),
          kind: 'e',
          from: standby.name,
        })),
      );
    } finally {
      await nc.close();
    }
  });
});

/**
 * Two nodes, an admin client of the owner, and a raw client of the standby relayed to the owner, past its
 * welcome; `nc` listens in on what the relay sends the owner, which gives the relayed connection's subject.
 */
async function relayedRawClient(): Promise<{
  standby: NodeProcess;
  admin: TruinlagClient;
  nc: NatsConnection;
  raw: RawWsClient;
  connection: string;
  subject: string;
}> {
  const { first, standbys, token } = await cluster(2);
  const standby = found(standbys[0], 'the standby');
  const admin = client([first.url], { token, clientId: 'admin-on-owner' });
  await admin.ready;
  const nc = await connectNats({ servers: found(run.nats, 'NATS').urls.split(',') });
  const subjects: string[] = [];
  nc.subscribe(relaySubjects.allToOwner(first.name), { callback: (_e, m) => void subjects.push(m.subject) });
  await nc.flush();
  const raw = await RawWsClient.open(standby.url);
  const welcome = await raw.hello({ token, client: 'raw-relayed-client' });
  const connection = found(welcome.type === 'welcome' ? welcome.connection : undefined, 'the welcome');
  const subject = await waitFor(() => subjects[0], 10_000, 'the relayed hello on NATS');
  return { standby, admin, nc, raw, connection, subject };
}
