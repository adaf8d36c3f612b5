import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../src/client/connection-state.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
} from '../helpers/index.js';

/**
 * A TCP proxy in front of a server that can swallow everything on the connections it has (a tunnel: the
 * sockets stay open, nothing gets through either way). Connections made after that pass again.
 */
class TunnelProxy {
  private readonly pairs: [Socket, Socket][] = [];
  private readonly swallowed: Socket[] = [];
  private readonly server: Server;
  url = '';

  /** `swallowFirst`: how many of the first connections are accepted and then left without a word. */
  constructor(target: string, swallowFirst = 0) {
    const { hostname, port } = new URL(target.replace('ws://', 'http://'));
    this.server = createServer((client) => {
      if (this.swallowed.length < swallowFirst) {
        this.swallowed.push(client);
        return void client.on('data', () => undefined);
      }
      const upstream = connectTcp(Number(port), hostname);
      this.pairs.push([client, upstream]);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** How many connections the proxy was asked for. */
  get connections(): number {
    return this.swallowed.length + this.pairs.length;
  }

  /** Everything on the connections open now is swallowed from here on; their sockets stay open. */
  enterTunnel(): void {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.on('data', () => undefined);
      upstream.on('data', () => undefined);
    }
  }

  close(): void {
    for (const socket of [...this.swallowed, ...this.pairs.flat()]) socket.destroy();
    this.server.close();
  }
}

const proxies: TunnelProxy[] = [];

afterEach(async () => {
  for (const proxy of proxies.splice(0)) proxy.close();
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

/** The client's connection states from now on, by status. */
function statuses(client: { onConnection: (l: (s: ConnectionState) => void) => unknown }): string[] {
  const seen: string[] = [];
  client.onConnection((s) => seen.push(s.status));
  return seen;
}

describe('[RESUME-4] a client whose connection goes silent', () => {
  it('gives it up, reconnects and has its request answered, where it would otherwise wait for ever', async () => {
    const server = await startTestServer();
    const proxy = await new TunnelProxy(server.url).listen();
    proxies.push(proxy);
    const client = await openClient(
      { url: proxy.url },
      { reconnect: true, backoff: { initialMs: 20, maxMs: 50 }, requestTimeoutMs: 0, silenceMs: 2_000 },
    );
    const seen = statuses(client);
    const before = client.welcome?.connection;
    proxy.enterTunnel();
    // Sent into the tunnel: no answer, and no error either, until the client gives the connection up.
    const answer = client.request({ type: 'ping', text: 'out of the tunnel' });
    await expect(answer).resolves.toEqual({ text: 'out of the tunnel' });
    expect(seen).toEqual(['closed', 'connecting', 'open']);
    expect(proxy.connections).toBe(2);
    expect(client.welcome?.connection).not.toBe(before);
  });

  it('gives up a connection that opens but brings no welcome, and is served on the next', async () => {
    const server = await startTestServer();
    // The first connection is accepted and then nothing: no upgrade, no welcome. Later ones pass.
    const proxy = await new TunnelProxy(server.url, 1).listen();
    proxies.push(proxy);
    const client = await openClient(
      { url: proxy.url },
      { reconnect: true, backoff: { initialMs: 20, maxMs: 50 }, silenceMs: 1_000 },
    );
    await expect(client.request({ type: 'ping', text: 'second try' })).resolves.toEqual({
      text: 'second try',
    });
    expect(proxy.connections).toBe(2);
  });

  it('keeps a quiet connection that answers its probe', async () => {
    const server = await startTestServer();
    // A limit long enough for a loaded machine's answers, short enough to pass several times here.
    const client = await openClient({ url: server.url }, { reconnect: true, silenceMs: 2_000 });
    const seen = statuses(client);
    const before = client.welcome?.connection;
    // Four silence limits without a request or a broadcast: the probes' answers keep the connection.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await expect(client.request({ type: 'ping', text: 'still the same' })).resolves.toEqual({
      text: 'still the same',
    });
    expect(seen).toEqual([]);
    expect(client.welcome?.connection).toBe(before);
  });
});
