import { afterEach, describe, expect, it } from 'vitest';
// Through the package name, as an app or a tool imports it: the `exports` map and the built files.
import { connect, TruinlagError, type ConnectOptions, type TruinlagClient } from 'truinlag/client';
import { PROTOCOL_VERSION } from 'truinlag/protocol';
import { removeTempDirs, startTestServer, stopTestServers, waitFor, withTimeout } from '../helpers/index.js';
import { recordPings, recordStates } from './support.js';

const opened = new Set<TruinlagClient>();

/** A package client that does not wait forever; closed after each test. */
function open(options: ConnectOptions): TruinlagClient {
  const client = connect({ requestTimeoutMs: 15_000, ...options });
  opened.add(client);
  return client;
}

afterEach(async () => {
  for (const client of opened) client.close();
  opened.clear();
  await stopTestServers();
  removeTempDirs();
});

describe('truinlag/client (the package entry for Node)', () => {
  it('connects over WebSocket and over the local socket with the same options type', async () => {
    const server = await startTestServer();
    const targets: ConnectOptions[] = [
      { url: server.url, token: server.adminToken },
      { socket: server.socketPath },
    ];
    for (const target of targets) {
      const client = open({ ...target, broadcasts: false });
      const welcome = await withTimeout(client.ready, 10_000, 'welcome');
      expect(welcome).toMatchObject({ protocol: PROTOCOL_VERSION, role: 'admin' });
      expect(client.connection).toEqual({ status: 'open', welcome });
      await expect(client.request({ type: 'ping', text: 'over the package' })).resolves.toEqual({
        text: 'over the package',
      });
    }
  });

  it('reports connecting, open, and closed with the reason and whether it reconnects', async () => {
    const server = await startTestServer();
    const client = open({ url: server.url, token: server.adminToken, backoff: { initialMs: 20, maxMs: 50 } });
    expect(client.connection).toEqual({ status: 'connecting', attempt: 0 });
    const seen = recordStates(client);
    await withTimeout(client.ready, 10_000, 'welcome');
    await server.stop();
    await waitFor(() => seen.includes('connecting 2'), 10_000, 'two retries');
    client.close();
    // Retries go on (connecting 3, 4, …) until the close.
    const retries = seen.slice(4, -1);
    expect(seen).toEqual([
      'open admin',
      'closed DISCONNECTED reconnecting',
      'connecting 1',
      'connecting 2',
      ...retries.map((_, i) => `connecting ${i + 3}`),
      'closed CLOSED',
    ]);
    const last = client.connection;
    expect(last.status === 'closed' && last.reason).toBeInstanceOf(TruinlagError);
  });

  it('ends in closed with the server’s refusal when the token is not accepted', async () => {
    const server = await startTestServer();
    const client = open({ url: server.url, token: 'not-a-token-of-this-server' });
    const seen = recordStates(client);
    await expect(withTimeout(client.ready, 10_000, 'refusal')).rejects.toMatchObject({
      code: 'UNAUTHORISED',
    });
    await waitFor(() => client.connection.status === 'closed', 10_000, 'closed');
    expect(seen).toEqual(['closed UNAUTHORISED']);
    await expect(client.request({ type: 'ping' })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('sends under a caller-chosen id once, also when a new client with the same client id re-sends it', async () => {
    const server = await startTestServer();
    const watcher = open({ url: server.url, token: server.adminToken });
    await watcher.ready;
    const seen = recordPings(watcher);
    const device = {
      url: server.url,
      token: server.adminToken,
      clientId: 'device-7f3a9c',
      broadcasts: false,
    };
    const first = open(device);
    const id = first.newRequestId();
    const sent = first.request({ type: 'ping', text: 'stored action' }, { id });
    // Still waiting on that id: the same pending answer, nothing sent twice.
    const again = first.request({ type: 'ping', text: 'a different action' }, { id });
    expect(again).toBe(sent);
    await expect(sent).resolves.toEqual({ text: 'stored action' });
    first.close();

    // After a reload: a new client with the persisted client id re-sends the stored action under its id.
    const reloaded = open(device);
    await expect(reloaded.request({ type: 'ping', text: 'stored action' }, { id })).resolves.toEqual({
      text: 'stored action',
    });
    await watcher.request({ type: 'ping', text: 'mark' });
    await waitFor(() => seen.includes('mark'), 10_000, 'the mark');
    expect(seen).toEqual(['stored action', 'mark']);
  });

  it('resumes from the positions the caller persisted (`since`), with no repeat and no gap', async () => {
    const server = await startTestServer();
    const admin = open({ url: server.url, token: server.adminToken });
    await admin.ready;
    await admin.request({ type: 'ping', text: 'before' });
    const first = open({ url: server.url, token: server.adminToken });
    await first.ready;
    const persisted = first.since;
    expect(persisted.global).toBe(1);
    first.close();
    await admin.request({ type: 'ping', text: 'while away 1' });
    await admin.request({ type: 'ping', text: 'while away 2' });

    const resumed = open({ url: server.url, token: server.adminToken, since: persisted });
    const seen = recordPings(resumed);
    await resumed.ready;
    await admin.request({ type: 'ping', text: 'after' });
    await waitFor(() => seen.includes('after'), 10_000, 'the live ping');
    expect(seen).toEqual(['while away 1', 'while away 2', 'after']);
    expect(resumed.since.global).toBe(4);
  });
});
