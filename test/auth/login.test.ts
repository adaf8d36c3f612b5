import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/client/node.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import {
  CHILD_PROCESS_TEST_MS,
  closeClients,
  found,
  killSpawnedServers,
  openClient,
  RawWsClient,
  removeTempDirs,
  runCli,
  spawnServer,
  stopTestServers,
  tempDir,
  withTimeout,
} from '../helpers/index.js';
import {
  adminClient,
  collect,
  fingerprint,
  guestClient,
  makeWorld,
  playerClient,
  resetCatalogueFlag,
  settle,
  startAuthServer,
} from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  await killSpawnedServers();
  removeTempDirs();
  resetCatalogueFlag();
});

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ACCEPTED',
    (error: unknown) => (error as { code: string }).code,
  );

describe('[AUTH-5] auth.login', () => {
  it('turns a guest connection into the player’s, on the same connection, with a new welcome', async () => {
    const { server } = await startAuthServer();
    const admin = await adminClient(server);
    const world = await makeWorld(admin, 'L', 1);
    const client = await guestClient(server);
    expect(client.welcome).toMatchObject({ role: 'guest', player: null, session: null, seq: {} });
    const connection = client.welcome?.connection;
    const result = await client.login(found(world.passphrases[0], 'world.passphrases[0]'));
    expect(result.player).toMatchObject({ id: world.players[0]?.id, session: world.session.id });
    expect(result.token).toMatch(/^[0-9a-f]{64}$/);
    expect(client.token).toBe(result.token);
    // Same connection, new role: the player's, in its session, seeing its session's stream.
    expect(client.welcome).toMatchObject({
      role: 'player',
      connection,
      player: world.players[0]?.id,
      session: world.session.id,
    });
    expect(Object.keys(client.welcome?.seq ?? {}).sort()).toEqual([String(world.session.id), 'global']);
    expect((await client.request({ type: 'session.state' })).session.id).toBe(world.session.id);
    expect(await codeOf(client.request({ type: 'player.list' }))).toBe('UNAUTHORISED');
  });

  it('on the raw protocol: a second hello with the token re-decides the role; requests before it ran as a guest', async () => {
    const { server } = await startAuthServer();
    const admin = await adminClient(server);
    const world = await makeWorld(admin, 'R', 1);
    const raw = await RawWsClient.open(server.url);
    expect(await raw.hello({ client: 'raw-login-client' })).toMatchObject({ role: 'guest', seq: {} });
    raw.request('s1', { type: 'session.state' }, world.session.id);
    expect(await raw.inbox.answer('s1')).toMatchObject({ ok: false, error: { code: 'UNAUTHORISED' } });
    raw.request('login', { type: 'auth.login', passphrase: world.passphrases[0] });
    const answer = await raw.inbox.answer('login');
    expect(answer).toMatchObject({ ok: true, result: { player: { id: world.players[0]?.id } } });
    const token = (answer as { result: { token: string } }).result.token;
    // Sent right before the hello, answered after it: it still runs with the role it was sent with.
    raw.request('s-before', { type: 'session.state' }, world.session.id);
    raw.send(JSON.stringify({ type: 'hello', protocol: 1, client: 'raw-login-client', token }));
    expect(await raw.inbox.next((m) => m.type === 'welcome')).toMatchObject({
      role: 'player',
      player: world.players[0]?.id,
      session: world.session.id,
    });
    expect(await raw.inbox.answer('s-before')).toMatchObject({ ok: false, error: { code: 'UNAUTHORISED' } });
    raw.request('s2', { type: 'session.state' }, world.session.id);
    expect(await raw.inbox.answer('s2')).toMatchObject({
      ok: true,
      result: { session: { id: world.session.id } },
    });
    expect(raw.inbox.violations).toEqual([]);
    raw.close();
  });

  it('[AUTH-4][AUTH-5] refuses a wrong passphrase with NOT_FOUND, never echoing it, and changes nothing', async () => {
    const { server } = await startAuthServer();
    const admin = await adminClient(server);
    await makeWorld(admin, 'W', 1);
    const guest = await guestClient(server);
    const before = fingerprint(server);
    const wrong = 'pass-W-0-secreT';
    const error = await guest.request({ type: 'auth.login', passphrase: wrong }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; details?: unknown },
    );
    expect(error?.code).toBe('NOT_FOUND');
    expect(JSON.stringify({ message: error?.message, details: error?.details })).not.toContain(wrong);
    // The message does not depend on what was typed.
    const other = await guest
      .request({ type: 'auth.login', passphrase: 'something else' })
      .catch((e: Error) => e);
    expect((other as Error).message).toBe(error?.message);
    expect(fingerprint(server)).toEqual(before);
    expect(guest.welcome?.role).toBe('guest');
  });

  it('[AUTH-6][PLAYER-4] a removed player cannot log in, and their open connection and token stop working', async () => {
    const { server } = await startAuthServer();
    const admin = await adminClient(server);
    const world = await makeWorld(admin, 'X', 1);
    const passphrase = found(world.passphrases[0], 'world.passphrases[0]');
    const player = await playerClient(server, passphrase);
    const token = found(player.token, 'token of the logged-in player');
    const removed = found(world.players[0], 'world.players[0]').id;
    // Off their team first: the global step leaves the session's teams alone (CLUSTER-15).
    await admin.request({ type: 'team.assign', player: removed, team: null }, { session: world.session.id });
    await admin.request({ type: 'player.remove', id: removed });
    // The open connection is refused every request from now on…
    expect(await codeOf(player.request({ type: 'session.state' }, { session: world.session.id }))).toBe(
      'UNAUTHORISED',
    );
    expect(await codeOf(player.request({ type: 'ping', text: 'still here?' }))).toBe('UNAUTHORISED');
    // …the token opens nothing (UNAUTHORISED, close 4003)…
    const raw = await RawWsClient.open(server.url);
    raw.send(JSON.stringify({ type: 'hello', protocol: 1, token }));
    expect(await raw.inbox.answer(null)).toMatchObject({ error: { code: 'UNAUTHORISED' } });
    expect((await raw.closed).code).toBe(4003);
    // …and the passphrase logs nobody in.
    const guest = await guestClient(server);
    expect(await codeOf(guest.request({ type: 'auth.login', passphrase }))).toBe('NOT_FOUND');
  });

  it('[AUTH-5] a player without a session cannot log in yet', async () => {
    const { server } = await startAuthServer();
    const admin = await adminClient(server);
    await admin.request({ type: 'player.add', name: 'Loner', passphrase: 'no-session-yet' });
    const guest = await guestClient(server);
    const before = fingerprint(server);
    expect(await codeOf(guest.request({ type: 'auth.login', passphrase: 'no-session-yet' }))).toBe(
      'NOT_FOUND',
    );
    expect(fingerprint(server)).toEqual(before);
  });

  it('[AUTH-5] the token resumes the player after a server restart (a new connection’s hello with it)', async () => {
    const dataDir = tempDir();
    const first = await startAuthServer(dataDir);
    const admin = await adminClient(first.server);
    const world = await makeWorld(admin, 'T', 1);
    const token = (
      await (await guestClient(first.server)).login(found(world.passphrases[0], 'world.passphrases[0]'))
    ).token;
    closeClients();
    await first.server.stop();
    const second = await startAuthServer(dataDir);
    const resumed = await openClient({ url: second.server.url, token });
    expect(resumed.welcome).toMatchObject({
      role: 'player',
      player: world.players[0]?.id,
      session: world.session.id,
    });
    expect((await resumed.request({ type: 'session.state' })).session.id).toBe(world.session.id);
    expect(await codeOf(resumed.request({ type: 'state.get' }))).toBe('UNAUTHORISED');
  });

  it('[AUTH-6] auth.logout ends the token: the connection becomes a guest, and the token opens nothing', async () => {
    const { server } = await startAuthServer();
    const admin = await adminClient(server);
    const world = await makeWorld(admin, 'O', 1);
    const player = await playerClient(server, found(world.passphrases[0], 'world.passphrases[0]'));
    const token = found(player.token, 'token of the logged-in player');
    const other = await openClient({ url: server.url, token });
    expect(other.welcome?.role).toBe('player');
    const seenByOther = collect(other);
    await settle(admin, [other], 'before logout');
    await player.logout();
    expect(player.token).toBeUndefined();
    expect(player.welcome).toMatchObject({ role: 'guest', player: null });
    expect(await codeOf(player.request({ type: 'session.state' }, { session: world.session.id }))).toBe(
      'UNAUTHORISED',
    );
    // Another connection that used the same token has lost it too, and receives no broadcast any more
    // (it would have arrived before the answer to a request sent after it).
    await admin.request({ type: 'ping', text: 'after logout' });
    expect(await codeOf(other.request({ type: 'session.state' }))).toBe('UNAUTHORISED');
    expect(seenByOther.flatMap((b) => (b.event.type === 'pinged' ? [b.event.text] : []))).toEqual([
      'before logout',
    ]);
    const again = connect({ url: server.url, token, reconnect: false });
    await expect(withTimeout(again.ready, 10_000, 'refused welcome')).rejects.toMatchObject({
      code: 'UNAUTHORISED',
    });
    again.close();
    // Logging in again works and gives a new token.
    const relogged = await player.login(found(world.passphrases[0], 'world.passphrases[0]'));
    expect(relogged.token).not.toBe(token);
    expect(player.welcome?.role).toBe('player');
    await player.request({
      type: 'team.rename',
      team: found(world.teams[0], 'world.teams[0]').id,
      name: 'Renamed O',
    });

    // Logins, player commands and logouts replay from the journal to the same state (DURABILITY-3): the
    // token is drawn from the seeded RNG, the actor's token record exists at each journaled step.
    closeClients();
    await server.stop();
    const store = SqliteStore.open(server.dataDir);
    try {
      expect(replayJournal(store)).toMatchObject({ equal: true, refused: [] });
    } finally {
      store.close();
    }
  });
});

describe('truinlag login', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('prints the token (--json: {token, player}); a wrong passphrase fails with NOT_FOUND', async () => {
    const dataDir = tempDir();
    const server = await spawnServer(dataDir);
    const admin = await openClient({ socket: server.socketPath });
    const world = await makeWorld(admin, 'C', 1);
    const plain = await runCli([
      'login',
      '--passphrase',
      found(world.passphrases[0], 'world.passphrases[0]'),
      '--url',
      server.url,
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    const token = plain.stdout.trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const json = await runCli([
      '--json',
      '--url',
      server.url,
      'login',
      '--passphrase',
      found(world.passphrases[0], 'world.passphrases[0]'),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { token: string; player: { id: number } };
    expect(parsed.player.id).toBe(world.players[0]?.id);
    expect(parsed.token).not.toBe(token);
    // The printed token is that player's.
    const player = await openClient({ url: server.url, token });
    expect(player.welcome).toMatchObject({ role: 'player', player: world.players[0]?.id });
    const wrong = await runCli(['login', '--passphrase', 'not-a-passphrase', '--url', server.url]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^NOT_FOUND: /);
    expect(wrong.stderr).not.toContain('not-a-passphrase');
  });
});
