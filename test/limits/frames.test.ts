import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { Connection, type InboundFrame } from '../../src/transport/connection.js';
import {
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  MAX_RESUME_STREAMS,
  PRE_HELLO_FRAME_BYTES,
  PROTOCOL_VERSION,
} from '../../src/protocol/version.js';
import {
  closeClients,
  openClient,
  RawWsClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import {
  adminHello,
  codeOf,
  nested,
  rawClient,
  requestText,
  stateOf,
  TRANSPORTS,
  type Raw,
} from './support.js';

/**
 * Cheap frames must not cost a lot (LIMIT-1 to LIMIT-4), over both transports: a frame is refused for
 * its size before the hello, for its shape before it is parsed, its errors never echo it back, and a key
 * the parser would hide is refused like any other extra key. Nothing changes, and others are served.
 */
let server: TestServer;
let observer: TruinlagClient;
let session: number;
let before: string;

beforeAll(async () => {
  server = await startTestServer();
  observer = await openClient({ socket: server.socketPath });
  session = (await observer.request({ type: 'session.add', name: 'Frames' })).id;
  before = stateOf(server);
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const opened: Raw[] = [];
async function open(transport: (typeof TRANSPORTS)[number]): Promise<Raw> {
  const raw = await rawClient(server, transport);
  opened.push(raw);
  return raw;
}

afterAll(() => {
  for (const raw of opened) raw.close();
});

/** The connection is still usable, and the engine unchanged. */
async function expectUsableAndUnchanged(raw: Raw, id: string): Promise<void> {
  raw.request(id, { type: 'ping' });
  expect(await raw.inbox.answer(id)).toMatchObject({ type: 'response', id, ok: true });
  expect(stateOf(server)).toBe(before);
}

describe.each(TRANSPORTS)('over the %s', (transport) => {
  it('[LIMIT-1] before the hello a frame over 128 KiB is TOO_LARGE and not read; after it the limit is 1 MiB', async () => {
    const raw = await open(transport);
    const padding = 'x'.repeat(PRE_HELLO_FRAME_BYTES);
    raw.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, client: padding }));
    const refused = await raw.inbox.answer(null);
    expect(refused).toMatchObject({
      type: 'error',
      error: { code: 'TOO_LARGE', details: { limit: PRE_HELLO_FRAME_BYTES } },
    });
    expect(JSON.stringify(refused)).not.toContain('xxxx');
    await adminHello(server, raw);
    // The same size after the hello is read: the schema (not the size) refuses the over-long text.
    raw.request('after', { type: 'ping', text: padding });
    expect(await raw.inbox.answer('after')).toMatchObject({ error: { code: 'MALFORMED' } });
    await expectUsableAndUnchanged(raw, `${transport}-ok-1`);
  });

  it('[LIMIT-1] a hello resuming 4,096 streams is welcomed; one naming more is MALFORMED', async () => {
    const positions = (count: number): Record<string, number> =>
      Object.fromEntries([
        ['global', 0],
        ...Array.from({ length: count - 1 }, (_, i): [string, number] => [String(i + 1), 0]),
      ]);
    const many = await open(transport);
    const resumed = await (many instanceof RawWsClient
      ? many.hello({ token: server.adminToken, since: positions(MAX_RESUME_STREAMS) })
      : many.hello({ since: positions(MAX_RESUME_STREAMS) }));
    expect(resumed).toMatchObject({ type: 'welcome' });
    await expectUsableAndUnchanged(many, `${transport}-resume-many`);
    const tooMany = await open(transport);
    tooMany.send(
      JSON.stringify({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        ...(tooMany instanceof RawWsClient ? { token: server.adminToken } : {}),
        since: positions(MAX_RESUME_STREAMS + 1),
      }),
    );
    expect(await tooMany.inbox.answer(null)).toMatchObject({ error: { code: 'MALFORMED' } });
  });

  it('[LIMIT-2] a frame nested deeper than the limit is TOO_DEEP, before and after the hello', async () => {
    const raw = await open(transport);
    raw.send(nested(MAX_JSON_DEPTH + 1));
    expect(await raw.inbox.answer(null)).toMatchObject({ error: { code: 'TOO_DEEP' } });
    await adminHello(server, raw);
    const deepCommand = { type: 'ping', text: JSON.parse(nested(MAX_JSON_DEPTH)) as unknown };
    raw.send(requestText('deep', deepCommand));
    expect(await raw.inbox.answer(null)).toMatchObject({
      error: { code: 'TOO_DEEP', details: { limit: MAX_JSON_DEPTH } },
    });
    // Exactly at the limit the frame is parsed, and refused by the schema with its id.
    const atLimit = { type: 'ping', text: JSON.parse(nested(MAX_JSON_DEPTH - 3)) as unknown };
    raw.send(requestText('at-limit', atLimit));
    expect(await raw.inbox.answer('at-limit')).toMatchObject({ error: { code: 'MALFORMED' } });
    await expectUsableAndUnchanged(raw, `${transport}-ok-2`);
  });

  it('[LIMIT-2][LIMIT-3] 40,000 unknown keys are TOO_MANY_VALUES, and the answer is small', async () => {
    const raw = await open(transport);
    await adminHello(server, raw);
    const stuffed: Record<string, unknown> = { type: 'session.add', name: 'Stuffed' };
    for (let i = 0; i < 40_000; i++) stuffed[`key${i}`] = i;
    raw.send(requestText('stuffed', stuffed));
    const answer = await raw.inbox.answer(null);
    expect(answer).toMatchObject({ error: { code: 'TOO_MANY_VALUES', details: { limit: MAX_JSON_VALUES } } });
    expect(JSON.stringify(answer).length).toBeLessThan(300);
    await expectUsableAndUnchanged(raw, `${transport}-ok-3`);
  });

  it('[LIMIT-3] a schema error under the limits lists at most 20 clipped issues, never the whole input', async () => {
    const raw = await open(transport);
    await adminHello(server, raw);
    const longKey = 'k'.repeat(5_000);
    const unknown: Record<string, unknown> = { type: 'session.add', name: 'Clipped', [longKey]: 1 };
    for (let i = 0; i < 9_000; i++) unknown[`extra${i}`] = i;
    raw.send(requestText('clipped', unknown));
    const answer = await raw.inbox.answer('clipped');
    expect(codeOf(answer)).toBe('MALFORMED');
    const text = JSON.stringify(answer);
    expect(text.length).toBeLessThan(4_000);
    expect(text).not.toContain('k'.repeat(300));
    expect(text).not.toContain('extra8999');
    // Deep paths are clipped too: a hidden key twelve arrays down names only the path's first segments.
    raw.send(
      `{"type":"request","id":"deep-path","command":{"type":"ping","text":${nested(12).replace('[]', '[{"__proto__":1}]')}}}`,
    );
    const deep = await raw.inbox.answer('deep-path');
    expect(codeOf(deep)).toBe('MALFORMED');
    if (deep.type === 'response' && !deep.ok) {
      expect(deep.error.details?.issues).toEqual([
        { path: 'command.text.0.0.0.0.0.0.…', message: 'Unrecognized key: "__proto__"' },
      ]);
    }
    await expectUsableAndUnchanged(raw, `${transport}-ok-4`);
  });

  it.each([
    [
      '__proto__ in a command',
      () => `{"type":"request","id":"p","command":{"type":"ping","__proto__":{"text":"x"}}}`,
    ],
    [
      '__proto__ in a config change (once dropped, so that the change did nothing and was accepted)',
      (s: number) =>
        `{"type":"request","id":"p","session":${s},"command":{"type":"config.set","changes":{"__proto__":{"numCatchers":5}}}}`,
    ],
    [
      'an escaped \\u005f_proto__ key',
      () =>
        `{"type":"request","id":"p","command":{"type":"session.add","name":"Escaped","\\u005f_proto__":{}}}`,
    ],
    [
      'constructor',
      () => `{"type":"request","id":"p","command":{"type":"session.add","name":"C","constructor":{}}}`,
    ],
    [
      'prototype',
      () => `{"type":"request","id":"p","command":{"type":"session.add","name":"P","prototype":1}}`,
    ],
  ])('[LIMIT-4] %s is refused as an unknown key, with its id', async (_name, frame) => {
    const raw = await open(transport);
    await adminHello(server, raw);
    raw.send(frame(session));
    const answer = await raw.inbox.answer('p');
    expect(answer).toMatchObject({ type: 'response', id: 'p', ok: false, error: { code: 'MALFORMED' } });
    if (answer.type === 'response' && !answer.ok) expect(answer.error.message).toMatch(/Unrecognized key/);
    await expectUsableAndUnchanged(raw, `${transport}-ok-5`);
  });
});

describe('[LIMIT-2] what a deeply nested frame costs', () => {
  /**
   * Milliseconds the server spends handling `count` frames on one connection (a spy around the real
   * connection's `receive`: the time its loop is busy with them, without the transfer).
   */
  async function serverTime(raw: Raw, frame: (i: number) => string, count: number): Promise<number> {
    let spent = 0;
    const receive = Object.getOwnPropertyDescriptor(Connection.prototype, 'receive')?.value as (
      this: Connection,
      inbound: InboundFrame,
    ) => void;
    Connection.prototype.receive = function (this: Connection, inbound: InboundFrame): void {
      const started = performance.now();
      receive.call(this, inbound);
      spent += performance.now() - started;
    };
    try {
      for (let i = 0; i < count; i++) raw.send(frame(i));
      for (let i = 0; i < count; i++)
        await raw.inbox.next((m) => m.type === 'error' || m.type === 'response');
    } finally {
      Connection.prototype.receive = receive;
    }
    return spent;
  }

  it.each(TRANSPORTS)(
    'over the %s a 600 KB nested frame costs less than reading a flat frame of the same size',
    async (transport) => {
      const raw = await open(transport);
      await adminHello(server, raw);
      const deep = nested(300_000);
      const flat = (i: number): string =>
        requestText(`flat-${i}`, { type: 'ping', text: 'f'.repeat(deep.length) });
      // Warm up both paths, then compare them in the same run (a ratio, not a machine-dependent time).
      await serverTime(raw, () => deep, 3);
      await serverTime(raw, flat, 3);
      const deepMs = await serverTime(raw, () => deep, 20);
      const flatMs = await serverTime(raw, flat, 20);
      expect(deepMs).toBeLessThan(flatMs);
      await expectUsableAndUnchanged(raw, `${transport}-ok-cost`);
    },
  );
});
