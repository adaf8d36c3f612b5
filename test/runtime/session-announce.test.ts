import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import {
  closeClients,
  nextBroadcast,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import { makeImage, makeWorld, type World } from '../pictures/support.js';

let server: TestServer;
let admin: TruinlagClient;
let world: World;

beforeEach(async () => {
  server = await startTestServer();
  admin = await openClient({ socket: server.socketPath });
  world = await makeWorld(admin);
});

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

/** The session's broadcasts a player receives from now on. */
function watch(client: TruinlagClient, session: number): BroadcastMessage[] {
  const seen: BroadcastMessage[] = [];
  client.onBroadcast((b) => {
    if (b.session === session) seen.push(b);
  });
  return seen;
}

describe('[CLUSTER-22] one node: a global step’s announcement on a session’s stream runs right after it', () => {
  it('[CLUSTER-22] a player of the session gets a rename and a profile picture, each once, numbered next on the stream', async () => {
    const player = await openClient({ url: server.url, token: world.tokens.b0 });
    const seen = watch(player, world.session);
    const renamed = nextBroadcast(player, (b) => b.event.type === 'session.changed');
    const session = await admin.request({ type: 'session.edit', name: 'Neu' }, { session: world.session });
    expect((await renamed).event).toEqual({ type: 'session.changed', session });

    const pictured = nextBroadcast(player, (b) => b.event.type === 'player.changed');
    const picture = await admin.request({
      type: 'picture.upload',
      target: { kind: 'player', player: world.players.a0 },
      data: (await makeImage('jpeg', 100, 100)).toString('base64'),
    });
    expect((await pictured).event).toMatchObject({ player: { id: world.players.a0, picture: picture.id } });

    expect(seen.map((b) => b.event.type)).toEqual(['session.changed', 'player.changed']);
    const first = seen[0]?.seq ?? 0;
    expect(seen.map((b) => b.seq)).toEqual([first, first + 1]);
  });
});
