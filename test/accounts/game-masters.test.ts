import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { FakeClock } from '../../src/runtime/clock.js';
import {
  closeClients,
  disconnected,
  nextBroadcast,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import {
  httpBase,
  journalInputs,
  makeImage,
  makeWorld,
  playCatch,
  uploaded,
  uploadHttp,
} from '../pictures/support.js';
import { storeBytes } from '../privacy/support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const newToken = (): string => randomBytes(32).toString('base64url');

async function withGameMaster(
  name = 'Gianna',
): Promise<{ server: TestServer; owner: TruinlagClient; gm: TruinlagClient; token: string; id: number }> {
  const server = await startTestServer({ clock: new FakeClock() });
  const owner = await openClient({ socket: server.socketPath });
  const token = newToken();
  const { id } = await owner.request({ type: 'gm.add', name, token });
  const gm = await openClient({ url: server.url, token });
  return { server, owner, gm, token, id };
}

describe('[AUTH-7] game-master accounts', () => {
  it('[AUTH-7] a game master logs in as admin; starts, corrections and stops show their author', async () => {
    const { server, owner, gm, id } = await withGameMaster();
    expect(gm.welcome?.role).toBe('admin');
    const world = await makeWorld(gm);
    const session = world.session;
    const started = nextBroadcast(owner, (b) => b.event.type === 'game.started');
    await playCatch(gm, world);
    const gianna = { kind: 'gameMaster', gameMaster: id, name: 'Gianna' };
    expect((await started).event).toMatchObject({ by: gianna });
    const corrected = nextBroadcast(owner, (b) => b.event.type === 'correction');
    await gm.request(
      { type: 'correction.adjust', team: world.teams.a, points: 10, reason: 'photo' },
      { session },
    );
    expect((await corrected).event).toMatchObject({ kind: 'adjust', reason: 'photo', by: gianna });
    const adjust = { at: expect.any(Number) as number, kind: 'adjust', team: world.teams.a, reason: 'photo' };
    expect((await owner.request({ type: 'session.state' }, { session })).game).toMatchObject({
      startedBy: gianna,
      corrections: [{ ...adjust, by: gianna }],
    });
    const player = await openClient({ url: server.url, token: world.tokens.a0 });
    const playersGame = (await player.request({ type: 'session.state' }, { session })).game;
    expect(playersGame).not.toHaveProperty('startedBy');
    expect(playersGame).not.toHaveProperty('corrections');
    const ended = nextBroadcast(gm, (b) => b.event.type === 'game.ended');
    const { pastGame } = await owner.request({ type: 'game.stop' }, { session });
    expect((await ended).event).toMatchObject({ by: { kind: 'owner' } });
    const past = await owner.request({ type: 'pastGame.get', id: pastGame });
    expect(past).toMatchObject({ startedBy: gianna, endedBy: { kind: 'owner' } });
    expect(past.corrections).toEqual([{ ...adjust, by: gianna }]);
    expect((await owner.request({ type: 'session.state' }, { session })).lastGame).toEqual({
      id: pastGame,
      startedAt: past.startedAt,
      endedAt: past.endedAt,
      startedBy: gianna,
      endedBy: { kind: 'owner' },
      corrections: [{ ...adjust, by: gianna }],
    });
    expect(await player.request({ type: 'session.state' }, { session })).not.toHaveProperty('lastGame');
  }, 60_000);

  it('[AUTH-7] the welcome names the game master’s account; the owner’s and a player’s name none', async () => {
    const { server, owner, gm } = await withGameMaster('Alice');
    expect(gm.welcome).toMatchObject({ role: 'admin', gameMaster: 'Alice' });
    expect(owner.welcome).toMatchObject({ role: 'admin', gameMaster: null });
    const byAdminToken = await openClient({ url: server.url, token: server.adminToken });
    expect(byAdminToken.welcome).toMatchObject({ role: 'admin', gameMaster: null });
  }, 60_000);

  it('[AUTH-7] only a hash of the token is kept: not in the state, the journal or the store file', async () => {
    const { server, owner, token } = await withGameMaster();
    await owner.request({ type: 'ping', text: 'flush' });
    const state = JSON.stringify([...server.server.runtime.current.tables.gameMaster.values()]);
    expect(state).not.toContain(token);
    expect(journalInputs(server.dataDir).join('\n')).not.toContain(token);
    await server.stop();
    expect(storeBytes(server.dataDir).includes(Buffer.from(token))).toBe(false);
  }, 60_000);

  it('[AUTH-7] revoking cuts the live connections, and the token opens nothing afterwards', async () => {
    const { server, owner, gm, token, id } = await withGameMaster();
    const cut = disconnected(gm);
    await owner.request({ type: 'gm.revoke', id });
    await cut;
    await expect(openClient({ url: server.url, token })).rejects.toThrow();
    expect(await owner.request({ type: 'gm.list' })).toEqual([
      {
        id,
        name: 'Gianna',
        createdAt: expect.any(Number) as number,
        revokedAt: expect.any(Number) as number,
      },
    ]);
  }, 60_000);

  it('[AUTH-7] accounts are the owner’s: a game master cannot add or revoke one; names are unique', async () => {
    const { owner, gm, id } = await withGameMaster();
    await expect(gm.request({ type: 'gm.add', name: 'Other', token: newToken() })).rejects.toMatchObject({
      code: 'UNAUTHORISED',
    });
    await expect(gm.request({ type: 'gm.revoke', id })).rejects.toMatchObject({ code: 'UNAUTHORISED' });
    await expect(owner.request({ type: 'gm.add', name: 'gianna', token: newToken() })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await expect(owner.request({ type: 'gm.add', name: 'Short', token: 'too-short' })).rejects.toMatchObject({
      code: 'MALFORMED',
    });
  }, 60_000);

  it('[AUTH-7] [IDEMPOTENCY-3] a game master’s HTTP Idempotency-Keys are their own, apart from the owner’s', async () => {
    const { server, owner, token } = await withGameMaster();
    const world = await makeWorld(owner);
    const base = httpBase(server.url);
    const image = await makeImage('png', 64, 64);
    const headers = { 'idempotency-key': 'upload-1' };
    const query = { kind: 'team', team: world.teams.a };
    const byOwner = uploaded(await uploadHttp(base, server.adminToken, query, image, headers));
    const byGm = uploaded(await uploadHttp(base, token, query, image, headers));
    expect(byGm.id).not.toBe(byOwner.id);
    // The game master's retry gets their own first answer.
    expect(uploaded(await uploadHttp(base, token, query, image, headers)).id).toBe(byGm.id);
  }, 60_000);
});

describe('[AUTH-9] the audit', () => {
  it('[AUTH-9] lists who ran which command when, by session and time, without passphrases or tokens', async () => {
    const { server, owner, gm, id, token } = await withGameMaster();
    const a = (await gm.request({ type: 'session.add', name: 'A' })).id;
    const b = (await owner.request({ type: 'session.add', name: 'B' })).id;
    await gm.request({ type: 'player.add', name: 'Pia', passphrase: 'pia-secret-words', session: a });
    await owner.request({ type: 'team.add', name: 'Rot' }, { session: b });
    const guest = await openClient({ url: server.url });
    const login = await guest.request({ type: 'auth.login', passphrase: 'pia-secret-words' });

    const { entries, more } = await owner.request({ type: 'audit.list' });
    expect(more).toBe(false);
    expect(entries.map((e) => [e.command, e.by.kind, e.session])).toEqual([
      ['gm.add', 'owner', null],
      ['session.add', 'gameMaster', null],
      ['session.add', 'owner', null],
      ['player.add', 'gameMaster', null],
      ['team.add', 'owner', b],
      ['auth.login', 'guest', null],
    ]);
    expect(entries[1]?.by).toEqual({ kind: 'gameMaster', gameMaster: id, name: 'Gianna' });
    expect(entries[3]?.params).toEqual({ name: 'Pia', session: a });
    const text = JSON.stringify(entries);
    for (const secret of ['pia-secret-words', 'sealed:', token, 'sha256:', login.token])
      expect(text).not.toContain(secret);

    const onlyB = await owner.request({ type: 'audit.list', session: b });
    expect(onlyB.entries.map((e) => e.command)).toEqual(['team.add']);
    const last = await owner.request({ type: 'audit.list', limit: 2 });
    expect(last).toMatchObject({ more: true });
    expect(last.entries.map((e) => e.command)).toEqual(['team.add', 'auth.login']);
    const since = await owner.request({ type: 'audit.list', since: (entries[4]?.at ?? 0) + 1 });
    expect(since.entries).toEqual([]);
    await expect(guest.request({ type: 'audit.list' })).rejects.toMatchObject({ code: 'UNAUTHORISED' });
  }, 60_000);
});
