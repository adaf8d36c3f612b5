import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { Notice } from '../../src/protocol/envelope.js';
import {
  closeClients,
  disconnected,
  killSpawnedServers,
  nextNotice,
  openClient,
  removeTempDirs,
  spawnServer,
  startTestServer,
  stopTestServers,
  tempDir,
  withTimeout,
  type SpawnedServer,
  CHILD_PROCESS_TEST_MS,
} from '../helpers/index.js';

afterEach(async () => {
  closeClients();
  await killSpawnedServers();
  await stopTestServers();
  removeTempDirs();
});

/** One WebSocket and one Unix-socket client, each waiting for the shutdown notice and the disconnect. */
async function watchers(server: { url: string; adminToken: string; socketPath: string }): Promise<{
  clients: TruinlagClient[];
  told: Promise<Notice[]>;
  gone: Promise<void[]>;
}> {
  const clients = [
    await openClient({ url: server.url, token: server.adminToken }),
    await openClient({ socket: server.socketPath }),
  ];
  return {
    clients,
    told: Promise.all(clients.map((c) => nextNotice(c, (n) => n.notice === 'shutdown'))),
    gone: Promise.all(clients.map((c) => disconnected(c))),
  };
}

async function expectCleanExit(
  server: SpawnedServer,
  clients: Awaited<ReturnType<typeof watchers>>,
): Promise<void> {
  const notices = await clients.told;
  for (const notice of notices) expect(notice).toMatchObject({ type: 'notice', notice: 'shutdown' });
  await clients.gone;
  expect(await withTimeout(server.exited, 15_000, 'server exit')).toEqual({ code: 0, signal: null });
  expect(existsSync(server.socketPath)).toBe(false);
  // The data survives the clean shutdown.
  const restarted = await spawnServer(server.dataDir);
  const client = await openClient({ socket: restarted.socketPath });
  expect((await client.request({ type: 'session.list' })).map((s) => s.name)).toEqual(['Kept']);
  client.close();
  await restarted.kill('SIGTERM');
}

describe('clean shutdown', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('by the server.shutdown command: answered, clients told, exit 0, socket file removed', async () => {
    const server = await spawnServer(tempDir());
    const watching = await watchers(server);
    const [admin] = watching.clients;
    await admin?.request({ type: 'session.add', name: 'Kept' });
    await expect(admin?.request({ type: 'server.shutdown' })).resolves.toEqual({ shuttingDown: true });
    await expectCleanExit(server, watching);
  });

  it('by SIGTERM: clients told, exit 0, socket file removed', async () => {
    const server = await spawnServer(tempDir());
    const watching = await watchers(server);
    await watching.clients[1]?.request({ type: 'session.add', name: 'Kept' });
    server.child.kill('SIGTERM');
    await expectCleanExit(server, watching);
  });

  it('in process: the handle resolves `closed`, and later requests are refused', async () => {
    const server = await startTestServer();
    const client = await openClient({ socket: server.socketPath });
    const told = nextNotice(client, (n) => n.notice === 'shutdown');
    await client.request({ type: 'server.shutdown' });
    await told;
    await withTimeout(server.server.closed, 10_000, 'server closed');
    expect(existsSync(server.socketPath)).toBe(false);
    await expect(openClient({ socket: server.socketPath })).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });
});

describe('the socket file', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('a stale socket file left by a SIGKILLed server is replaced on restart', async () => {
    const dir = tempDir();
    const first = await spawnServer(dir);
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(existsSync(first.socketPath)).toBe(true);
    // Nobody answers on the stale file.
    await expect(openClient({ socket: first.socketPath })).rejects.toMatchObject({ code: 'DISCONNECTED' });

    const second = await spawnServer(dir);
    expect(second.socketPath).toBe(first.socketPath);
    const client = await openClient({ socket: second.socketPath });
    await expect(client.request({ type: 'ping', text: 'again' })).resolves.toEqual({ text: 'again' });
  });

  it('a live server’s socket is never taken over: a second server on the same data directory fails', async () => {
    const dir = tempDir();
    const first = await spawnServer(dir);
    await expect(spawnServer(dir)).rejects.toThrow(/code 1,[\s\S]*Another server is listening/);
    const client = await openClient({ socket: first.socketPath });
    await expect(client.request({ type: 'ping' })).resolves.toEqual({ text: null });
  });
});
