import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import { WireClient } from '../durability/support.js';
import {
  CHILD_PROCESS_TEST_MS,
  closeClients,
  killSpawnedServers,
  openClient,
  RawWsClient,
  removeTempDirs,
  spawnServer,
  tempDir,
  withTimeout,
  type SpawnedServer,
} from '../helpers/index.js';
import { scrape } from './support.js';

/**
 * OPS-2 on a real server process: what it writes to stderr, at the most verbose level, through a whole
 * scenario of logins, failed logins, player changes and admin token use.
 */

const closers: (() => void)[] = [];

afterAll(async () => {
  for (const close of closers) close();
  closeClients();
  await killSpawnedServers();
  removeTempDirs();
});

/** A secret nobody could find in a log by accident. */
const secret = (what: string): string => `${what}-${randomBytes(9).toString('base64url')}`;

/** The JSON lines a stopped server wrote to stderr. */
async function logLines(server: SpawnedServer): Promise<{ text: string; lines: Record<string, unknown>[] }> {
  expect((await server.kill('SIGTERM')).code).toBe(0);
  const text = server.output().stderr;
  const lines = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { text, lines };
}

describe('[OPS-2] what the server logs', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('no passphrase or token ever reaches a log, through logins, failed logins, player changes and admin token use', async () => {
    const server = await spawnServer(tempDir(), { env: { TRUINLAG_LOG_LEVEL: 'trace' } });
    const secrets: string[] = [server.adminToken];
    const remember = (value: string): string => {
      secrets.push(value);
      return value;
    };

    const admin = await openClient({ url: server.url, token: server.adminToken });
    const local = await openClient({ socket: server.socketPath });
    const session = await admin.request({ type: 'session.add', name: 'Secrets' });
    const players = [];
    for (const name of ['Ada', 'Bea', 'Cem']) {
      const passphrase = remember(secret(`${name}-pass`));
      const via = name === 'Cem' ? local : admin;
      players.push({
        ...(await via.request({ type: 'player.add', name, passphrase, session: session.id })),
        passphrase,
      });
    }
    // Players log in (the client then says hello again with the player token), and one logs out.
    const logins = [];
    for (const player of players) {
      const guest = await openClient({ url: server.url });
      const { token } = await guest.login(player.passphrase);
      remember(token);
      logins.push(guest);
    }
    await logins[2]?.logout();
    // Failed logins with guesses, a passphrase change, and a login with the new one.
    const guesser = await openClient({ url: server.url });
    for (let n = 0; n < 5; n++)
      await expect(guesser.login(remember(secret('guess')))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const changed = remember(secret('changed-pass'));
    await admin.request({ type: 'player.edit', id: players[0]?.id as number, passphrase: changed });
    await expect(guesser.login(players[0]?.passphrase as string)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    remember((await guesser.login(changed)).token);
    // A forged token in a hello; the admin token on /metrics and in a picture URL.
    const forged = await RawWsClient.open(server.url);
    closers.push(() => forged.close());
    forged.send(JSON.stringify({ type: 'hello', protocol: 1, token: remember(secret('forged-token')) }));
    expect((await forged.closed).code).toBe(CLOSE_CODES.UNAUTHORISED);
    expect((await scrape(server.url, { token: server.adminToken })).status).toBe(200);
    expect((await scrape(server.url, { token: remember(secret('wrong-metrics-token')) })).status).toBe(401);
    const http = server.url.replace('ws://', 'http://');
    await fetch(`${http}/pictures/999?token=${encodeURIComponent(server.adminToken)}`);
    closeClients();

    const { text, lines } = await logLines(server);
    const messages = lines.map((line) => line.msg);
    // The scenario was logged (so that finding no secret means something) …
    expect(messages.filter((m) => m === 'login failed').length).toBe(6);
    expect(messages).toContain('hello refused: the token is not valid');
    expect(messages.filter((m) => m === 'connection opened').length).toBeGreaterThanOrEqual(7);
    expect(
      lines.filter((l) => l.msg === 'connection closed' && l.code === CLOSE_CODES.UNAUTHORISED),
    ).toHaveLength(1);
    // … and no secret, nor any part of one, is in it.
    expect(secrets.length).toBe(1 + 3 + 3 + 5 + 1 + 1 + 1 + 1);
    for (const value of secrets) expect(text, value).not.toContain(value);
    for (const value of secrets) expect(text).not.toContain(value.slice(-12));
  });

  it('cut-offs of slow (4008) and dead (4010) clients are warnings with their close code', async () => {
    const server = await spawnServer(tempDir(), {
      env: { TRUINLAG_LOG_LEVEL: 'info', TRUINLAG_HEARTBEAT_MS: '200', TRUINLAG_MAX_QUEUE_BYTES: '600' },
    });
    const slow = await WireClient.open(server.url, { token: server.adminToken });
    closers.push(() => slow.close());
    // An answer larger than the whole outbound queue stands for a client that stopped reading.
    void slow.request('big', { type: 'ping', text: 'x'.repeat(1000) });
    expect((await withTimeout(slow.closed, 10_000, 'slow client cut off')).code).toBe(
      CLOSE_CODES.SLOW_CONSUMER,
    );
    // Opened after the big broadcast, so that only its silence cuts it off.
    const dead = await WireClient.open(server.url, { token: server.adminToken }, { autoPong: false });
    closers.push(() => dead.close());
    expect((await withTimeout(dead.closed, 10_000, 'dead client cut off')).code).toBe(CLOSE_CODES.DEAD);

    const { lines } = await logLines(server);
    const closed = lines.filter((l) => l.msg === 'connection closed');
    for (const code of [CLOSE_CODES.SLOW_CONSUMER, CLOSE_CODES.DEAD])
      expect(
        closed.find((l) => l.code === code),
        String(code),
      ).toMatchObject({
        level: 40,
        by: 'server',
        transport: 'ws',
        role: 'admin',
        remote: expect.stringContaining('127.0.0.1') as unknown,
      });
  });
});
