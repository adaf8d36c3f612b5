import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { ResultOf } from '../../src/protocol/commands/index.js';
import { encodeFrame } from '../../src/protocol/framing.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/version.js';
import {
  closeClients,
  journalLength,
  openClient,
  RawUnixClient,
  RawWsClient,
  readStoreRows,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';

/**
 * Bad input from raw connections (not the client library) gets typed errors, the connection stays
 * usable where the framing allows, other clients are served throughout, and nothing is stored.
 */
type StateSnapshot = ResultOf<'state.get'>;

let server: TestServer;
let observer: TruinlagClient;
let before: { state: StateSnapshot; rows: ReturnType<typeof readStoreRows>; journal: number };

beforeAll(async () => {
  server = await startTestServer();
  observer = await openClient({ socket: server.socketPath });
  const session = await observer.request({ type: 'session.add', name: 'Existing' });
  await observer.request({
    type: 'player.add',
    name: 'Anna',
    passphrase: 'anna-secret-words',
    session: session.id,
  });
  await observer.request(
    { type: 'announcement.schedule', text: 'later', at: Date.now() + 3_600_000 },
    {
      session: session.id,
    },
  );
  before = {
    state: await observer.request({ type: 'state.get' }),
    rows: readStoreRows(server.dataDir),
    journal: journalLength(server.dataDir),
  };
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

/**
 * The other client is still served, and nothing changed: the same sessions and players, the same
 * entity rows, id counters and journal in the store. Only the global stream's seq may move (the pings
 * that show a connection is still usable are broadcast there).
 */
async function expectUnharmed(): Promise<void> {
  expect(withoutGlobalSeq(await observer.request({ type: 'state.get' }))).toEqual(
    withoutGlobalSeq(before.state),
  );
  expect(readStoreRows(server.dataDir)).toEqual(before.rows);
  expect(journalLength(server.dataDir)).toBe(before.journal);
  await expect(observer.request({ type: 'ping', text: 'still here' })).resolves.toEqual({
    text: 'still here',
  });
}

function withoutGlobalSeq(state: StateSnapshot): StateSnapshot {
  const { global: _global, ...seq } = state.seq;
  return { ...state, seq };
}

/** The same bad messages over either transport; `send` writes one message's bytes as one frame. */
type Raw = RawWsClient | RawUnixClient;
const badMessages: [string, (c: Raw) => void, { id: string | null; code: string; path?: string }][] = [
  ['invalid JSON', (c) => c.send('{"type":"request","id":"x1",'), { id: null, code: 'MALFORMED' }],
  ['JSON that is not an object', (c) => c.send('[1,2,3]'), { id: null, code: 'MALFORMED' }],
  [
    'a request without an id',
    (c) => c.send(JSON.stringify({ type: 'request', command: { type: 'ping' } })),
    { id: null, code: 'MALFORMED', path: 'id' },
  ],
  [
    'an unknown command',
    (c) => c.request('u1', { type: 'session.delete', id: 1 }),
    { id: 'u1', code: 'UNKNOWN_COMMAND' },
  ],
  [
    'a wrong-typed field',
    (c) => c.request('w1', { type: 'session.add', name: 42 }),
    { id: 'w1', code: 'MALFORMED', path: 'name' },
  ],
  [
    'an extra key',
    (c) => c.request('e1', { type: 'session.add', name: 'Sneaky', admin: true }),
    { id: 'e1', code: 'MALFORMED' },
  ],
  [
    'an internal command',
    (c) => c.request('i1', { type: 'server.backup.done', file: '/tmp/x', totalPages: 1, error: null }),
    { id: 'i1', code: 'UNAUTHORISED' },
  ],
  [
    'a global command with a session',
    (c) => c.request('g1', { type: 'session.add', name: 'Scoped' }, 1),
    { id: 'g1', code: 'SESSION_SUPPLIED' },
  ],
  [
    'a session command with an unknown session',
    (c) => c.request('n1', { type: 'announcement.schedule', text: 'x', at: 1 }, 99),
    { id: 'n1', code: 'NOT_FOUND' },
  ],
];

async function expectAnswer(
  client: Raw,
  expected: { id: string | null; code: string; path?: string },
): Promise<void> {
  const answer = await client.inbox.answer(expected.id);
  if (expected.id === null)
    expect(answer).toMatchObject({ type: 'error', id: null, error: { code: expected.code } });
  else
    expect(answer).toMatchObject({
      type: 'response',
      id: expected.id,
      ok: false,
      error: { code: expected.code },
    });
  if (
    expected.path !== undefined &&
    (answer.type === 'error' || (answer.type === 'response' && !answer.ok))
  ) {
    expect(answer.error.details?.issues?.map((i) => i.path)).toContain(expected.path);
  }
}

/** The connection still works: a ping on it is answered. */
async function expectUsable(client: Raw, id: string): Promise<void> {
  client.request(id, { type: 'ping', text: id });
  expect(await client.inbox.answer(id)).toEqual({ type: 'response', id, ok: true, result: { text: id } });
}

describe('[PROTOCOL-3] over WebSocket', () => {
  it('a request before hello is refused with HELLO_REQUIRED', async () => {
    const ws = await RawWsClient.open(server.url);
    ws.request('early', { type: 'session.add', name: 'Too early' });
    expect(await ws.inbox.answer('early')).toMatchObject({ ok: false, error: { code: 'HELLO_REQUIRED' } });
    await ws.hello({ token: server.adminToken });
    await expectUsable(ws, 'after-hello');
    ws.close();
    await expectUnharmed();
  });

  it.each(badMessages)(
    '%s gets a typed error and the connection stays usable',
    async (_name, send, expected) => {
      const ws = await RawWsClient.open(server.url);
      await ws.hello({ token: server.adminToken });
      send(ws);
      await expectAnswer(ws, expected);
      await expectUsable(ws, 'ok-after');
      expect(ws.inbox.violations).toEqual([]);
      ws.close();
      await expectUnharmed();
    },
  );

  it('garbage bytes (a binary frame) get MALFORMED and the connection stays usable', async () => {
    const ws = await RawWsClient.open(server.url);
    await ws.hello({ token: server.adminToken });
    ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0x80]), { binary: true });
    await expectAnswer(ws, { id: null, code: 'MALFORMED' });
    await expectUsable(ws, 'ok-after-garbage');
    ws.close();
    await expectUnharmed();
  });

  it('an oversized frame gets TOO_LARGE without being read, and the connection stays usable', async () => {
    const ws = await RawWsClient.open(server.url);
    await ws.hello({ token: server.adminToken });
    const name = 'x'.repeat(MAX_FRAME_BYTES);
    ws.request('big', { type: 'session.add', name });
    await expectAnswer(ws, { id: null, code: 'TOO_LARGE' });
    await expectUsable(ws, 'ok-after-big');
    ws.close();
    await expectUnharmed();
  });

  it('a frame past the WebSocket payload limit closes the connection with 1009 (message too big)', async () => {
    const ws = await RawWsClient.open(server.url);
    await ws.hello({ token: server.adminToken });
    ws.send('z'.repeat(MAX_FRAME_BYTES * 4 + 1));
    expect((await ws.closed).code).toBe(1009);
    await expectUnharmed();
  });

  it('[AUTH-1] a bad token closes the connection with the documented code, before anything runs', async () => {
    const ws = await RawWsClient.open(server.url);
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, token: 'not-the-token' }));
    await expectAnswer(ws, { id: null, code: 'UNAUTHORISED' });
    expect((await ws.closed).code).toBe(4003);
    await expectUnharmed();
  });

  it('[PROTOCOL-1] another protocol version is refused with VERSION_MISMATCH and closed', async () => {
    const ws = await RawWsClient.open(server.url);
    ws.send(JSON.stringify({ type: 'hello', protocol: 2 }));
    await expectAnswer(ws, { id: null, code: 'VERSION_MISMATCH' });
    expect((await ws.closed).code).toBe(4009);
    await expectUnharmed();
  });
});

describe('[PROTOCOL-3] over the Unix socket', () => {
  it.each(badMessages)(
    '%s gets a typed error and the connection stays usable',
    async (_name, send, expected) => {
      const unix = await RawUnixClient.open(server.socketPath);
      await unix.hello();
      send(unix);
      await expectAnswer(unix, expected);
      await expectUsable(unix, 'ok-after');
      expect(unix.inbox.violations).toEqual([]);
      unix.close();
      await expectUnharmed();
    },
  );

  it('a frame of garbage bytes gets MALFORMED and the connection stays usable', async () => {
    const unix = await RawUnixClient.open(server.socketPath);
    await unix.hello();
    const garbage = new Uint8Array([0, 0, 0, 5, 0xff, 0xfe, 0x00, 0xc3, 0x28]);
    unix.sendBytes(garbage);
    await expectAnswer(unix, { id: null, code: 'MALFORMED' });
    await expectUsable(unix, 'ok-after-garbage');
    unix.close();
    await expectUnharmed();
  });

  it('an oversized frame is skipped with TOO_LARGE and the stream continues', async () => {
    const unix = await RawUnixClient.open(server.socketPath);
    await unix.hello();
    const body = JSON.stringify({
      type: 'request',
      id: 'big',
      command: { type: 'session.add', name: 'y'.repeat(MAX_FRAME_BYTES) },
    });
    // The oversized frame and a valid one right behind it, in one write.
    unix.sendBytes(
      Buffer.concat([
        encodeFrame(body),
        encodeFrame(JSON.stringify({ type: 'request', id: 'next', command: { type: 'ping', text: 'next' } })),
      ]),
    );
    await expectAnswer(unix, { id: null, code: 'TOO_LARGE' });
    expect(await unix.inbox.answer('next')).toMatchObject({ ok: true, result: { text: 'next' } });
    await expectUsable(unix, 'ok-after-big');
    unix.close();
    await expectUnharmed();
  });

  it('bytes that are not this framing at all get a final MALFORMED error and the stream is ended', async () => {
    const unix = await RawUnixClient.open(server.socketPath);
    await unix.hello();
    unix.sendBytes(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    await expectAnswer(unix, { id: null, code: 'MALFORMED' });
    await unix.ended;
    await expectUnharmed();
  });

  it('unframed garbage before hello also ends the stream with an error', async () => {
    const unix = await RawUnixClient.open(server.socketPath);
    unix.sendBytes(Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
    await expectAnswer(unix, { id: null, code: 'MALFORMED' });
    await unix.ended;
    await expectUnharmed();
  });
});
