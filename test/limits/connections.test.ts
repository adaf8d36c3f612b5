import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import { DEFAULT_EDGE_LIMITS, type EdgeLimits } from '../../src/transport/limits.js';
import {
  closeClients,
  openClient,
  RawUnixClient,
  RawWsClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  withTimeout,
  type TestServer,
} from '../helpers/index.js';

/**
 * Connection exhaustion (LIMIT-5, LIMIT-6): a connection that never says hello is closed at the
 * deadline, and one address cannot hold more than its share of sockets, while everyone else connects
 * and is served as usual.
 */
const opened: (RawWsClient | RawUnixClient)[] = [];

afterEach(async () => {
  for (const raw of opened.splice(0)) raw.close();
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

function serverWith(limits: Partial<EdgeLimits>): Promise<TestServer> {
  return startTestServer({ config: { limits: { ...DEFAULT_EDGE_LIMITS, ...limits } } });
}

/** A raw WebSocket that comes, as far as the server can tell behind its proxy, from `address`. */
async function from(server: TestServer, address: string): Promise<RawWsClient> {
  const raw = await RawWsClient.open(server.url, { 'x-forwarded-for': `198.51.100.1, ${address}` });
  opened.push(raw);
  return raw;
}

/** Opens a connection from `address`, says hello, and tells whether it was welcomed or closed (how). */
async function tryConnect(server: TestServer, address: string): Promise<'welcomed' | number> {
  const raw = await from(server, address);
  raw.send(JSON.stringify({ type: 'hello', protocol: 1 }));
  const first = await raw.inbox.next((m) => m.type === 'welcome' || m.type === 'error');
  if (first.type === 'welcome') return 'welcomed';
  expect(first).toMatchObject({ type: 'error', error: { code: 'TOO_MANY_CONNECTIONS' } });
  return (await raw.closed).code;
}

describe('[LIMIT-5] the hello deadline', () => {
  it('closes a WebSocket that says nothing with HELLO_TIMEOUT (4021); one that said hello stays', async () => {
    const server = await serverWith({ helloTimeoutMs: 300 });
    const silent = await RawWsClient.open(server.url);
    const talker = await RawWsClient.open(server.url);
    opened.push(silent, talker);
    await talker.hello();
    expect(await silent.inbox.answer(null, 5_000)).toMatchObject({
      type: 'error',
      error: { code: 'HELLO_TIMEOUT', details: { limitMs: 300 } },
    });
    expect((await silent.closed).code).toBe(CLOSE_CODES.HELLO_TIMEOUT);
    await new Promise((resolve) => setTimeout(resolve, 400));
    talker.request('still', { type: 'ping' });
    expect(await talker.inbox.answer('still')).toMatchObject({ ok: true });
  });

  it('ends a silent local-socket stream after a final HELLO_TIMEOUT error', async () => {
    const server = await serverWith({ helloTimeoutMs: 300 });
    const silent = await RawUnixClient.open(server.socketPath);
    opened.push(silent);
    expect(await silent.inbox.answer(null, 5_000)).toMatchObject({ error: { code: 'HELLO_TIMEOUT' } });
    await withTimeout(silent.ended, 5_000, 'stream end');
  });

  it('bounds 200 silent sockets from one address: 128 held until the deadline, the rest refused', async () => {
    const server = await serverWith({ helloTimeoutMs: 1_000, trustProxy: true });
    const silent = await Promise.all(Array.from({ length: 200 }, () => from(server, '203.0.113.9')));
    const admin = await openClient({ socket: server.socketPath });
    await expect(admin.request({ type: 'ping', text: 'served' })).resolves.toEqual({ text: 'served' });
    const codes = await withTimeout(
      Promise.all(silent.map(async (raw) => (await raw.closed).code)),
      10_000,
      'silent connections closed',
    );
    const count = (code: number): number => codes.filter((c) => c === code).length;
    expect(count(CLOSE_CODES.HELLO_TIMEOUT)).toBe(DEFAULT_EDGE_LIMITS.connectionsPerAddress);
    expect(count(CLOSE_CODES.TOO_MANY_CONNECTIONS)).toBe(200 - DEFAULT_EDGE_LIMITS.connectionsPerAddress);
    // Their slots are free again.
    expect(await tryConnect(server, '203.0.113.9')).toBe('welcomed');
  });
});

describe('[LIMIT-6] connections per address', () => {
  it('refuses one more than the cap with TOO_MANY_CONNECTIONS (4022), per address, until one closes', async () => {
    const server = await serverWith({ connectionsPerAddress: 3, trustProxy: true });
    const first = await Promise.all([1, 2, 3].map(() => tryConnect(server, '203.0.113.5')));
    expect(first).toEqual(['welcomed', 'welcomed', 'welcomed']);
    expect(await tryConnect(server, '203.0.113.5')).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
    // Another address is not affected.
    expect(await tryConnect(server, '203.0.113.6')).toBe('welcomed');
    // Once one of the three has gone, the address may connect again.
    const leaving = opened[0] as RawWsClient;
    leaving.close();
    await leaving.closed;
    await expect.poll(() => tryConnect(server, '203.0.113.5'), { timeout: 5_000 }).toBe('welcomed');
  });

  it('counts an IPv6 client by its /64 network', async () => {
    const server = await serverWith({ connectionsPerAddress: 2, trustProxy: true });
    expect(await tryConnect(server, '2001:db8::1')).toBe('welcomed');
    expect(await tryConnect(server, '2001:db8:0:0:ffff::2')).toBe('welcomed');
    expect(await tryConnect(server, '2001:0db8::3')).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
    expect(await tryConnect(server, '2001:db8:0:1::1')).toBe('welcomed');
  });

  it('does not count admin connections, and trusts X-Forwarded-For only when told to', async () => {
    const proxied = await serverWith({ connectionsPerAddress: 2, trustProxy: true });
    for (let i = 0; i < 4; i++) {
      const admin = await from(proxied, '203.0.113.7');
      await admin.hello({ token: proxied.adminToken });
    }
    expect(await tryConnect(proxied, '203.0.113.7')).toBe('welcomed');

    // Without trustProxy every client here is 127.0.0.1, whatever header it sends.
    const direct = await serverWith({ connectionsPerAddress: 2 });
    expect(await tryConnect(direct, '203.0.113.1')).toBe('welcomed');
    expect(await tryConnect(direct, '203.0.113.2')).toBe('welcomed');
    expect(await tryConnect(direct, '203.0.113.3')).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
  });
});
