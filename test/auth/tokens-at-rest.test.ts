import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/engine/rng.js';
import { hashPlayerToken } from '../../src/runtime/player-tokens.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import { readStore, WireClient } from '../durability/support.js';

const wires = new Set<WireClient>();
afterEach(async () => {
  for (const wire of wires) wire.close();
  wires.clear();
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const PASSPHRASE = 'correct horse battery';

/** A session with one player who can log in with PASSPHRASE. */
async function withPlayer(server: TestServer): Promise<void> {
  const admin = await openClient({ socket: server.socketPath });
  const session = await admin.request({ type: 'session.add', name: 'Zug' });
  await admin.request({ type: 'player.add', name: 'Anna', passphrase: PASSPHRASE, session: session.id });
}

async function login(server: TestServer, client: string, request: string): Promise<string> {
  const wire = await WireClient.open(server.url, { client });
  wires.add(wire);
  const answer = await wire.answer(request, { type: 'auth.login', passphrase: PASSPHRASE });
  if (!answer.message.ok) throw new Error(`login refused: ${answer.text}`);
  return (answer.message.result as { token: string }).token;
}

/** Every file below a directory (sockets left out), with its path. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** Whether the unprivileged user `nobody` can read the file (only testable as root). */
function nobodyCanRead(path: string): boolean {
  return spawnSync('cat', [path], { uid: 65534, gid: 65534, stdio: 'ignore' }).status === 0;
}

describe('[AUTH-8] tokens and data at rest', () => {
  it('stores only the token hash: not in the database, the WAL, a backup or the journal', async () => {
    const server = await startTestServer();
    await withPlayer(server);
    const token = await login(server, 'phone-one', 'login-1');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const admin = await openClient({ socket: server.socketPath });
    await admin.request({ type: 'server.backup', file: 'after-login.db' });

    const files = filesBelow(server.dataDir);
    expect(files.map((f) => f.slice(server.dataDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['backups/after-login.db', 'truinlag.db', 'truinlag.db-wal']),
    );
    for (const file of files) expect(readFileSync(file).includes(token), file).toBe(false);

    const store = readStore(server.dataDir);
    expect(store.entities.filter((e) => e.kind === 'token').map((e) => e.doc)).toEqual([
      expect.objectContaining({ tokenHash: hashPlayerToken(token) }),
    ]);
    const logins = store.journal.filter((j) => j.input.includes('"auth.login"'));
    expect(logins).toHaveLength(1);
    const journaled = JSON.parse(logins[0]?.input ?? '{}') as { seed?: string; tokenHash: string };
    expect(journaled.tokenHash).toBe(hashPlayerToken(token));
    // A journaled seed (kept only if the login drew from it) does not make the token: it is drawn apart.
    if (journaled.seed !== undefined) expect(seededRng(journaled.seed).hex(32)).not.toBe(token);
    // The login's answer, which carries the token, is not kept: only the admin's two answers are.
    expect(store.answered).toHaveLength(2);
    expect(store.answered.some((a) => a.answer.includes('"token"'))).toBe(false);
  });

  it('a login re-sent under the same request id logs in again, with a new token; both open', async () => {
    const server = await startTestServer();
    await withPlayer(server);
    const first = await login(server, 'phone-two', 'login-again');
    const second = await login(server, 'phone-two', 'login-again');
    expect(second).not.toBe(first);
    for (const token of [first, second]) {
      const wire = await WireClient.open(server.url, { token });
      wires.add(wire);
      expect(wire.welcome).toMatchObject({ role: 'player' });
    }
  });

  it('makes the data directory 0700 and every file in it 0600, also an existing 0755/0644 one', async () => {
    const first = await startTestServer();
    await withPlayer(first);
    await login(first, 'phone-three', 'login-3');
    const admin = await openClient({ socket: first.socketPath });
    await admin.request({ type: 'server.backup', file: 'b.db' });
    const expectPrivate = (dataDir: string): void => {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'backups'))).toBe(0o700);
      const files = filesBelow(dataDir);
      expect(files.length).toBeGreaterThanOrEqual(6);
      for (const file of files) expect([file, modeOf(file)]).toEqual([file, 0o600]);
    };
    // While it runs: database, WAL, shared memory, secret.key, admin.token, the backup.
    expectPrivate(first.dataDir);
    if (process.getuid?.() === 0) {
      expect(nobodyCanRead(join(first.dataDir, 'truinlag.db'))).toBe(false);
      expect(nobodyCanRead(join(first.dataDir, 'secret.key'))).toBe(false);
    }
    closeClients();
    await first.stop();

    // A data directory as an older version left it: world-readable.
    chmodSync(first.dataDir, 0o755);
    for (const file of filesBelow(first.dataDir)) chmodSync(file, 0o644);
    if (process.getuid?.() === 0) expect(nobodyCanRead(join(first.dataDir, 'truinlag.db'))).toBe(true);
    const again = await startTestServer({ dataDir: first.dataDir });
    expectPrivate(again.dataDir);
    if (process.getuid?.() === 0) expect(nobodyCanRead(join(again.dataDir, 'truinlag.db'))).toBe(false);
  });
});
