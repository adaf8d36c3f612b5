import Database from 'better-sqlite3';
import type { Handler } from 'hono';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import type { HttpEnv } from '../../src/server/http-answers.js';
import type { CommitWriter } from '../../src/store/commit-writer.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  tempDir,
  waitFor,
} from '../helpers/index.js';

/** The HTTP side on its router: health, readiness, the player app's mount and what is not served. */

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const httpOf = (wsUrl: string): string => wsUrl.replace(/^ws:/, 'http:');

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('health and readiness', () => {
  it('[HEALTH-1] [HEALTH-2] /healthz says alive and /readyz ready; a dead commit writer makes it 503, alive still', async () => {
    const server = await startTestServer();
    const base = httpOf(server.url);
    expect(await getJson(`${base}/healthz`)).toMatchObject({
      status: 200,
      body: { ok: true, protocol: PROTOCOL_VERSION },
    });
    expect(await getJson(`${base}/readyz`)).toEqual({ status: 200, body: { ok: true, reasons: [] } });

    const writer = server.server.runtime.writer as CommitWriter;
    await writer.worker.terminate();
    const notReady = await waitFor(
      async () => {
        const answer = await getJson(`${base}/readyz`);
        return answer.status === 503 ? answer : undefined;
      },
      5_000,
      '503 from /readyz',
    );
    expect(notReady.body).toEqual({
      ok: false,
      reasons: ['The commit writer has stopped: The commit writer thread has stopped.'],
    });
    expect((await getJson(`${base}/healthz`)).status).toBe(200);
    // What needs the writer is refused meanwhile; the server itself keeps answering.
    const admin = await openClient({ socket: server.socketPath });
    await expect(admin.request({ type: 'session.add', name: 'Ohne Schreiber' })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect((await getJson(`${base}/healthz`)).status).toBe(200);
  });

  it('[HEALTH-2] the runtime is not ready while it shuts down, nor once its store is closed', async () => {
    const server = await startTestServer();
    expect(server.server.runtime.readiness()).toEqual([]);
    const stopping = server.stop();
    expect(server.server.runtime.readiness()).toContain('The server is shutting down.');
    await stopping;
    expect(server.server.runtime.readiness()).toEqual([
      'The server is shutting down.',
      'The store is closed.',
      'The commit writer has stopped: The store is closed.',
    ]);
  });

  it('[HEALTH-2] a store behind on its schema migrations is not ready', () => {
    const dir = tempDir();
    const store = SqliteStore.open(dir);
    try {
      expect(store.status()).toEqual({ open: true, pendingMigrations: 0 });
      const other = new Database(join(dir, DATABASE_FILE));
      other.pragma('user_version = 3');
      other.close();
      expect(store.status().pendingMigrations).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    expect(store.status().open).toBe(false);
  });
});

describe('the player app mount', () => {
  it('without the player app, / is a plain 404 page and other paths a JSON NOT_FOUND', async () => {
    const server = await startTestServer();
    const base = httpOf(server.url);
    const root = await fetch(`${base}/`);
    expect(root.status).toBe(404);
    expect(root.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await root.text()).toMatch(/without the player app/);
    const missing = await getJson(`${base}/nope`);
    expect(missing).toMatchObject({ status: 404, body: { ok: false, error: { code: 'NOT_FOUND' } } });
    // A known path with another method names the methods it takes.
    const get = await fetch(`${base}/pictures`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const put = await fetch(`${base}/pictures/3/thumb`, { method: 'PUT' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('a static app answers the GETs no other route takes; health, pictures and the WebSocket stay', async () => {
    const served: string[] = [];
    const staticApp: Handler<HttpEnv> = (c) => {
      served.push(c.req.path);
      return new Response(`app ${c.req.path}`, { headers: { 'content-type': 'text/plain' } });
    };
    const server = await startTestServer({ staticApp });
    const base = httpOf(server.url);
    expect(await (await fetch(`${base}/`)).text()).toBe('app /');
    expect(await (await fetch(`${base}/assets/app.js`)).text()).toBe('app /assets/app.js');
    expect((await getJson(`${base}/healthz`)).status).toBe(200);
    const picture = await getJson(`${base}/pictures/1`);
    expect(picture).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORISED' } } });
    const post = await fetch(`${base}/anything`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(served).toEqual(['/', '/assets/app.js']);
    const client = await openClient({ url: server.url, token: server.adminToken });
    await expect(client.request({ type: 'ping' })).resolves.toBeDefined();
  });
});
