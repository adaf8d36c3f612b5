import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { AnyCommandInput } from '../../src/protocol/commands/index.js';
import {
  closeClients,
  found,
  RawWsClient,
  removeTempDirs,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import { samplesFor } from './samples.js';
import {
  adminClient,
  collect,
  fingerprint,
  guestClient,
  makeWorld,
  resetCatalogueFlag,
  settle,
  startAuthServer,
  type World,
} from './support.js';

/** A WebSocket connection without a token is a guest: it may log in and ping, nothing else, and sees nothing. */
let server: TestServer;
let admin: TruinlagClient;
let world: World;

beforeAll(async () => {
  resetCatalogueFlag();
  ({ server } = await startAuthServer());
  admin = await adminClient(server);
  world = await makeWorld(admin, 'G', 2);
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ACCEPTED',
    (error: unknown) => (error as { code: string }).code,
  );

describe('[AUTH-1][AUTH-2] a guest connection', () => {
  it('is welcomed as a guest, with no streams', async () => {
    const raw = await RawWsClient.open(server.url);
    expect(await raw.hello()).toMatchObject({
      type: 'welcome',
      role: 'guest',
      player: null,
      session: null,
      seq: {},
    });
    raw.close();
  });

  it('[AUTH-2] is refused every command but the public ones (auth.login, ping), and nothing changes', async () => {
    const guest = await guestClient(server);
    const refused = samplesFor(['player', 'admin', 'internal']);
    expect(
      samplesFor(['public'])
        .map((s) => s.type)
        .sort(),
    ).toEqual(['auth.login', 'ping']);
    const before = fingerprint(server);
    const codes: Record<string, string> = {};
    for (const sample of refused) {
      codes[sample.type] = await codeOf(
        guest.request(
          sample.command as AnyCommandInput,
          sample.scope === 'session' ? { session: world.session.id } : {},
        ),
      );
    }
    expect(codes).toEqual(Object.fromEntries(refused.map((s) => [s.type, 'UNAUTHORISED'])));
    expect(fingerprint(server)).toEqual(before);
  });

  it('[PING-1] may ping (answered, not broadcast) and log in', async () => {
    const guest = await guestClient(server);
    const watched = collect(admin);
    const before = fingerprint(server);
    expect(await guest.request({ type: 'ping', text: 'guest here' })).toEqual({ text: 'guest here' });
    // Nobody was pushed the guest's text: the game master's connection sees only the closing mark.
    await settle(admin, [admin], 'after guest ping');
    expect(watched.map((b) => b.event)).toEqual([{ type: 'pinged', text: 'after guest ping' }]);
    expect(before.journal).toBe(fingerprint(server).journal);
    const login = await guest.request({
      type: 'auth.login',
      passphrase: found(world.passphrases[1], 'world.passphrases[1]'),
    });
    expect(login.player.id).toBe(world.players[1]?.id);
  });

  it('[VISIBILITY-1] receives no broadcast at all, of the global stream or any session', async () => {
    const guest = await guestClient(server);
    const seen = collect(guest);
    const session = world.session.id;
    await admin.request({ type: 'ping', text: 'to everyone who may see it' });
    await admin.request({ type: 'team.add', name: 'Late team' }, { session });
    await admin.request({ type: 'session.add', name: 'Another session' });
    await admin.request({ type: 'player.add', name: 'Someone', passphrase: 'someone-secret' });
    // A guest's own request is answered after everything queued for it before: nothing was.
    await guest.request({ type: 'ping', text: 'flush' });
    expect(seen).toEqual([]);
  });
});
