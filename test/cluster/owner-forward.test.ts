import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseHolder } from '../../src/cluster/engine-lease.js';
import { FORWARD_HEADERS_TIMEOUT_MS } from '../../src/cluster/owner-forward.js';
import { standbyHttp } from '../../src/cluster/standby-http.js';
import { requestHandler } from '../../src/server/http-app.js';
import { freePort } from './support/nats-cluster.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A standby's HTTP side on a free port, with `owner` as the lease it last read. */
async function standbyAt(owner: LeaseHolder | undefined): Promise<string> {
  const server = createServer(requestHandler(standbyHttp({ node: 'standby-node', owner: () => owner })));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a standby forwarding HTTP to the owner', { timeout: FORWARD_HEADERS_TIMEOUT_MS * 3 }, () => {
  it('[CLUSTER-9] with no owner known, or an owner not reachable, the answer is 503 naming it, with Retry-After', async () => {
    const unknown = await fetch(`${await standbyAt(undefined)}/pictures/1`);
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('1');
    expect(await unknown.json()).toMatchObject({
      ok: false,
      message: expect.stringContaining('no owner is known') as string,
    });

    // A port nothing listens on: the owner's machine is gone.
    const port = await freePort();
    const owner = { node: 'owner-node', url: `ws://127.0.0.1:${port}` };
    const base = await standbyAt(owner);
    for (const [method, path] of [
      ['GET', '/metrics'],
      ['POST', '/pictures?kind=player&player=1'],
    ] as const) {
      const answer = await fetch(`${base}${path}`, {
        method,
        ...(method === 'POST' ? { body: new Uint8Array(64 * 1024) } : {}),
      });
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({
        ok: false,
        message: expect.stringContaining(`owner-node at http://127.0.0.1:${port} is not reachable`) as string,
        owner,
        node: 'standby-node',
      });
    }
  });

  it('[CLUSTER-9] an owner that takes the connection but never answers is answered 503 after the timeout', async () => {
    // A frozen owner: its kernel accepts the connection, nothing reads or answers it.
    const silent = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const base = await standbyAt({ node: 'frozen-node', url: `ws://127.0.0.1:${port}` });
      const answer = await fetch(`${base}/pictures/7/thumb`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({
        message: expect.stringContaining(
          `frozen-node at http://127.0.0.1:${port} did not answer within ${FORWARD_HEADERS_TIMEOUT_MS / 1000} s`,
        ) as string,
      });
    } finally {
      silent.close();
    }
  });
});
