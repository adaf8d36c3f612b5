import { afterEach, describe, expect, it } from 'vitest';
import { TruinlagError } from '../../src/client/errors.js';
import { connect } from '../../src/client/node.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import { DEFAULT_EDGE_LIMITS } from '../../src/transport/limits.js';
import { recordStates } from '../client/support.js';
import {
  closeClients,
  openClient,
  RawUnixClient,
  RawWsClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  withTimeout,
} from '../helpers/index.js';

/**
 * PROTOCOL-9: a hello that is not valid is answered with a MALFORMED error naming what is wrong, not
 * welcomed, and not silently waited out; the client library refuses such options before it connects and
 * gives up at once on a hello the server refuses.
 */

const raws: { close(): void }[] = [];

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const badHello = JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'a' });

const namesClient = {
  type: 'error',
  id: null,
  error: {
    code: 'MALFORMED',
    message: expect.stringMatching(/^The hello is invalid\. client: /) as unknown,
    details: { issues: [{ path: 'client', message: expect.stringContaining('8') as unknown }] },
  },
};

async function rawWs(url: string): Promise<RawWsClient> {
  const raw = await RawWsClient.open(url);
  raws.push(raw);
  return raw;
}

describe('[PROTOCOL-9] a hello that is not valid', () => {
  it('a raw WebSocket’s hello with a 1-character client id gets MALFORMED naming `client`, then the close at the hello deadline', async () => {
    const server = await startTestServer({
      config: { limits: { ...DEFAULT_EDGE_LIMITS, helloTimeoutMs: 300 } },
    });
    const raw = await rawWs(server.url);
    raw.send(badHello);
    expect(await raw.inbox.answer(null)).toEqual(namesClient);
    // Not welcomed: the connection waits for a valid hello until the deadline (LIMIT-5), and is closed.
    expect(await raw.inbox.answer(null, 5_000)).toMatchObject({ error: { code: 'HELLO_TIMEOUT' } });
    expect((await raw.closed).code).toBe(CLOSE_CODES.HELLO_TIMEOUT);
    expect(raw.inbox.all.map((m) => m.type)).toEqual(['error', 'error']);
    expect(raw.inbox.violations).toEqual([]);
  });

  it('as any bad frame (PROTOCOL-3), it leaves the connection open for a valid hello, over both transports', async () => {
    const server = await startTestServer();
    const ws = await rawWs(server.url);
    const unix = await RawUnixClient.open(server.socketPath);
    raws.push(unix);
    for (const raw of [ws, unix]) {
      raw.send(badHello);
      expect(await raw.inbox.answer(null)).toEqual(namesClient);
      expect(await raw.hello({ client: 'a-valid-client-id' })).toMatchObject({ type: 'welcome' });
      raw.request('after', { type: 'ping' });
      expect(await raw.inbox.answer('after')).toMatchObject({ ok: true });
    }
  });

  it('the client library throws a typed MALFORMED at once for a client id, token or app name of the wrong length', async () => {
    const server = await startTestServer();
    const cases = [
      { options: { clientId: 'a' }, field: 'clientId', path: 'client' },
      { options: { clientId: 'x'.repeat(65) }, field: 'clientId', path: 'client' },
      { options: { token: '' }, field: 'token', path: 'token' },
      { options: { appName: 'x'.repeat(65) }, field: 'appName', path: 'app.name' },
    ];
    for (const { options, field, path } of cases) {
      let thrown: unknown;
      try {
        connect({ url: server.url, ...options }).close();
      } catch (error) {
        thrown = error;
      }
      expect(thrown, field).toBeInstanceOf(TruinlagError);
      expect(thrown, field).toMatchObject({
        code: 'MALFORMED',
        message: expect.stringMatching(new RegExp(`^${field} must be .* \\(PROTOCOL-9\\)`)) as unknown,
        details: { field, issues: [{ path }] },
      });
    }
    // The limits are the protocol's: the shortest and longest client ids are welcome.
    for (const clientId of ['x'.repeat(8), 'x'.repeat(64)])
      expect((await openClient({ url: server.url }, { clientId })).welcome).toMatchObject({ role: 'guest' });
  });

  it('a request id of the wrong length rejects at once with MALFORMED, and the client goes on', async () => {
    const server = await startTestServer();
    const client = await openClient({ url: server.url });
    for (const id of ['', 'x'.repeat(129)])
      await expect(client.request({ type: 'ping' }, { id })).rejects.toMatchObject({
        code: 'MALFORMED',
        details: { field: 'id', issues: [{ path: 'id' }] },
      });
    await expect(client.request({ type: 'ping' }, { id: 'x'.repeat(128) })).resolves.toBeDefined();
  });

  it('a hello the server refuses rejects `ready` and pending requests with its error, without reconnecting', async () => {
    const server = await startTestServer();
    // `since` is not checked by the library: the server's refusal is the answer.
    const client = connect({
      url: server.url,
      since: { 'not-a-stream': 1 },
      backoff: { initialMs: 10, maxMs: 20 },
    });
    const seen = recordStates(client);
    const pending = client.request({ type: 'ping' });
    // Well before the hello deadline (10 s): the client does not wait to be closed.
    const refusal: unknown = await withTimeout(client.ready, 5_000, 'refusal').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(TruinlagError);
    expect(refusal).toMatchObject({
      code: 'MALFORMED',
      message: expect.stringMatching(/^The hello is invalid\. since/) as unknown,
    });
    await expect(pending).rejects.toBe(refusal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.connection).toMatchObject({ status: 'closed', reconnecting: false, reason: refusal });
    expect(seen).toEqual(['closed MALFORMED']);
    await expect(client.request({ type: 'ping' })).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
