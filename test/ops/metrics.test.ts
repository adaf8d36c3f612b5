import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import {
  closeClients,
  openClient,
  RawWsClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  withTimeout,
  type TestServer,
} from '../helpers/index.js';
import { MemoryPeer, WireClient } from '../durability/support.js';
import { sample, scrape } from './support.js';

/**
 * OPS-1: `/metrics` over real HTTP on a real server, read as Prometheus text. What it counts is compared
 * with what the test made the server do, through real connections.
 */

const raws: RawWsClient[] = [];
const wires: WireClient[] = [];

afterAll(async () => {
  for (const raw of raws) raw.close();
  for (const wire of wires) wire.close();
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

async function raw(url: string): Promise<RawWsClient> {
  const client = await RawWsClient.open(url);
  raws.push(client);
  return client;
}

/** A non-loopback IPv4 address of this machine, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;

describe('[OPS-1] who may read /metrics', () => {
  afterEach(async () => {
    closeClients();
    await stopTestServers();
  });

  it('by default: the admin token only, as a bearer token', async () => {
    const server = await startTestServer();
    const admin = await openClient({ socket: server.socketPath });
    const session = await admin.request({ type: 'session.add', name: 'Metrics' });
    await admin.request({
      type: 'player.add',
      name: 'Pia',
      passphrase: 'pia-metrics-pass',
      session: session.id,
    });
    const guest = await openClient({ url: server.url });
    const { token: playerToken } = await guest.login('pia-metrics-pass');

    for (const token of [undefined, 'not-the-token', playerToken]) {
      const refused = await scrape(server.url, token === undefined ? {} : { token });
      expect(refused.status, String(token)).toBe(401);
      expect(JSON.parse(refused.text)).toMatchObject({ ok: false, error: { code: 'UNAUTHORISED' } });
    }
    const allowed = await scrape(server.url, { token: server.adminToken });
    expect(allowed.status).toBe(200);
    expect(sample(allowed.text, 'truinlag_mailbox_depth')).toBe(0);
    // Node's process and event-loop metrics come along.
    expect(sample(allowed.text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(allowed.text, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const post = await fetch(`${server.url.replace('ws://', 'http://')}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('with loopback access: this machine without a token, but never a request a proxy forwarded', async () => {
    const server = await startTestServer({ config: { metricsAccess: 'loopback' } });
    expect((await scrape(server.url)).status).toBe(200);
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip'])
      expect((await scrape(server.url, { headers: { [header]: '203.0.113.9' } })).status, header).toBe(403);
  });

  it('is chosen by TRUINLAG_METRICS; another value stops the server from starting', () => {
    expect(resolveServerConfig({}, {}).metricsAccess).toBe('token');
    expect(resolveServerConfig({}, { TRUINLAG_METRICS: 'loopback' }).metricsAccess).toBe('loopback');
    expect(() => resolveServerConfig({}, { TRUINLAG_METRICS: 'public' })).toThrow(/token, loopback/);
  });

  it.skipIf(external === undefined)('with loopback access: refused from another address', async () => {
    const server = await startTestServer({ config: { metricsAccess: 'loopback', host: '0.0.0.0' } });
    const port = server.server.address.port;
    const response = await fetch(`http://${external as string}:${port}/metrics`);
    expect(response.status).toBe(403);
  });
});

describe('[OPS-1] what /metrics counts', () => {
  let server: TestServer;
  let admin: TruinlagClient;
  let session: number;
  const read = async (): Promise<string> => (await scrape(server.url, { token: server.adminToken })).text;

  beforeAll(async () => {
    server = await startTestServer({ config: { heartbeatMs: 200 } });
    admin = await openClient({ url: server.url, token: server.adminToken });
    session = (await admin.request({ type: 'session.add', name: 'Counted' })).id;
  });

  it('durable commands, turns, commits and refusals', async () => {
    const before = await read();
    for (let n = 1; n <= 5; n++)
      await admin.request({ type: 'player.add', name: `P${n}`, passphrase: `player-${n}-pass`, session });
    await admin.request({ type: 'player.list' });
    await admin.request({ type: 'team.list' }).catch(() => undefined);
    const after = await read();
    const delta = (name: string, labels?: Record<string, string>): number =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

    // Five changes were committed; the read and the refusal changed nothing.
    expect(delta('truinlag_durable_commands_total')).toBe(5);
    expect(delta('truinlag_refused_total', { code: 'NO_SESSION_SUPPLIED' })).toBe(1);
    expect(delta('truinlag_commit_duration_seconds_count')).toBeGreaterThanOrEqual(5);
    expect(delta('truinlag_turn_duration_seconds_count')).toBeGreaterThanOrEqual(7);
    expect(delta('truinlag_commands_per_turn_sum')).toBe(7);
    expect(sample(after, 'truinlag_commit_failures_total')).toBe(0);
  });

  it('connections by role and transport, and cut-offs by close code', async () => {
    const count = async (role: string, transport: string): Promise<number | undefined> =>
      sample(await read(), 'truinlag_connections', { role, transport });
    const before = { ws: (await count('admin', 'ws')) ?? 0, unix: (await count('admin', 'unix')) ?? 0 };
    const local = await openClient({ socket: server.socketPath });
    const unhello = await raw(server.url);
    const guest = await raw(server.url);
    await guest.hello();
    expect(await count('admin', 'unix')).toBe(before.unix + 1);
    expect(await count('admin', 'ws')).toBe(before.ws);
    expect(await count('none', 'ws')).toBe(1);
    expect(await count('guest', 'ws')).toBe(1);

    const cutBefore = await read();
    const forged = await raw(server.url);
    forged.send(JSON.stringify({ type: 'hello', protocol: 1, token: 'forged-token-value' }));
    expect((await forged.closed).code).toBe(CLOSE_CODES.UNAUTHORISED);
    const silent = await WireClient.open(server.url, { token: server.adminToken }, { autoPong: false });
    wires.push(silent);
    expect((await withTimeout(silent.closed, 10_000, 'the dead client closed')).code).toBe(CLOSE_CODES.DEAD);
    local.close();
    unhello.close();
    guest.close();
    await withTimeout(
      (async () => {
        const gone = async (): Promise<boolean> =>
          (await count('none', 'ws')) === 0 &&
          (await count('guest', 'ws')) === 0 &&
          (await count('admin', 'unix')) === before.unix;
        while (!(await gone())) await pause(20);
      })(),
      10_000,
      'the closed connections leaving the gauge',
    );
    const cutAfter = await read();
    const cut = (code: number): number =>
      (sample(cutAfter, 'truinlag_cut_offs_total', { code: String(code) }) ?? 0) -
      (sample(cutBefore, 'truinlag_cut_offs_total', { code: String(code) }) ?? 0);
    expect(cut(CLOSE_CODES.UNAUTHORISED)).toBe(1);
    expect(cut(CLOSE_CODES.DEAD)).toBe(1);
    // Connections the clients closed are not cut-offs.
    expect(cut(CLOSE_CODES.SHUTDOWN)).toBe(0);
    expect(sample(cutAfter, 'truinlag_connections', { role: 'admin', transport: 'unix' })).toBe(before.unix);
    expect(sample(cutAfter, 'truinlag_refused_total', { code: 'UNAUTHORISED' })).toBeGreaterThanOrEqual(1);
  });

  it('broadcasts with their fan-out, and resume replays', async () => {
    const local = await openClient({ socket: server.socketPath });
    const before = await read();
    await admin.request({ type: 'ping', text: 'to both admins' });
    await admin.request({ type: 'ping' });
    const after = await read();
    const delta = (name: string): number => (sample(after, name) ?? 0) - (sample(before, name) ?? 0);
    expect(delta('truinlag_broadcasts_total')).toBe(1);
    // Both admin connections (WebSocket and local socket) got it; a text-less ping broadcasts nothing.
    expect(delta('truinlag_broadcast_frames_total')).toBe(2);
    local.close();

    const resumer = await raw(server.url);
    await resumer.hello({ token: server.adminToken, since: { global: 0 } });
    await admin.request({ type: 'ping', text: 'after the resume' });
    await resumer.inbox.next(
      (m) => m.type === 'broadcast' && m.event.type === 'pinged' && m.event.text === 'after the resume',
    );
    const replayed = resumer.inbox.all.filter((m) => m.type === 'broadcast').length - 1;
    const resumed = await read();
    expect(replayed).toBeGreaterThan(0);
    expect(
      (sample(resumed, 'truinlag_resume_replayed_broadcasts_total') ?? 0) -
        (sample(after, 'truinlag_resume_replayed_broadcasts_total') ?? 0),
    ).toBe(replayed);
    expect(
      (sample(resumed, 'truinlag_resumes_total') ?? 0) - (sample(after, 'truinlag_resumes_total') ?? 0),
    ).toBe(1);
  });

  it('timers armed, and the mailbox as it stands when scraped', async () => {
    await admin.request(
      { type: 'announcement.schedule', text: 'later', at: Date.now() + 3_600_000 },
      { session },
    );
    expect(sample(await read(), 'truinlag_timers_armed')).toBe(server.server.runtime.armedTimers);
    expect(server.server.runtime.armedTimers).toBeGreaterThanOrEqual(1);

    // Three items queued in this tick are what a scrape in this tick sees (the gauge reads at collect).
    const peer = new MemoryPeer(server.server.runtime, 'queued');
    for (let n = 0; n < 3; n++) peer.submit({ type: 'ping' });
    const gauge = server.server.metrics.registry.getSingleMetric('truinlag_mailbox_depth');
    const reading = await (gauge as NonNullable<typeof gauge>).get();
    expect(reading.values[0]?.value).toBe(3);
    await peer.inbox.answer(`queued-3`);
    peer.close();
    expect(sample(await read(), 'truinlag_mailbox_depth')).toBe(0);
  });

  it('the outbound queue bytes go back to zero once everything is written or dropped', async () => {
    const tiny = await startTestServer({ config: { maxQueueBytes: 400 } });
    const wire = await WireClient.open(tiny.url, { token: tiny.adminToken });
    wires.push(wire);
    // An answer larger than the whole queue: the connection is cut off (4008), its queue dropped.
    void wire.request('big', { type: 'ping', text: 'x'.repeat(1000) });
    expect((await withTimeout(wire.closed, 10_000, 'the slow consumer cut off')).code).toBe(
      CLOSE_CODES.SLOW_CONSUMER,
    );
    const text = (await scrape(tiny.url, { token: tiny.adminToken })).text;
    expect(sample(text, 'truinlag_cut_offs_total', { code: String(CLOSE_CODES.SLOW_CONSUMER) })).toBe(1);
    expect(sample(text, 'truinlag_outbound_queue_bytes')).toBe(0);
  });
});

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
