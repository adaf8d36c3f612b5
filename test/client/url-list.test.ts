import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
} from '../helpers/index.js';

/** A loopback URL nothing listens on (the port was free a moment ago). */
async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `ws://127.0.0.1:${port}`;
}

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

/**
 * The client library given several URLs (a cluster's nodes): it tries them in turn, one per reconnect,
 * so that a node that is gone — or was never there — is left behind.
 */
describe('a client with a list of URLs', () => {
  it('gets past a URL nothing answers at, whichever it starts with', async () => {
    const server = await startTestServer();
    for (let round = 0; round < 4; round++) {
      const client = await openClient(
        { url: [await deadUrl(), server.url] },
        { reconnect: true, backoff: { initialMs: 20, maxMs: 50 } },
      );
      await expect(client.request({ type: 'ping', text: `round ${round}` })).resolves.toEqual({
        text: `round ${round}`,
      });
      client.close();
    }
  });

  it('moves on to the next server when its server goes away, and is served there', async () => {
    const [first, second] = await Promise.all([startTestServer(), startTestServer()]);
    const client = await openClient(
      { url: [first.url, second.url] },
      { reconnect: true, backoff: { initialMs: 20, maxMs: 50 } },
    );
    const connectedTo = (server: typeof first): number =>
      server.server.runtime.connections.snapshot().connections.length;
    const on = connectedTo(first) === 1 ? first : second;
    const other = on === first ? second : first;
    expect(connectedTo(other)).toBe(0);
    await on.stop();
    await expect(client.request({ type: 'ping', text: 'still here' })).resolves.toEqual({
      text: 'still here',
    });
    expect(connectedTo(other)).toBe(1);
  });
});
