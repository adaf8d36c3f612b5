import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import { closeClients, found, removeTempDirs, stopTestServers, type TestServer } from '../helpers/index.js';
import {
  adminClient,
  collect,
  makeWorld,
  playerClient,
  resetCatalogueFlag,
  settle,
  startAuthServer,
  type World,
} from './support.js';

/** The ping texts a connection received, with the stream each came on (null: the global one). */
const pings = (seen: readonly BroadcastMessage[]): [number | null, string | null][] =>
  seen.flatMap((m) =>
    m.event.type === 'pinged' ? [[m.session, m.event.text] as [number | null, string]] : [],
  );

describe('[PING-2] who hears a ping, over real sockets with two sessions', () => {
  let server: TestServer;
  let admin: TruinlagClient;
  let a: World;
  let b: World;

  beforeAll(async () => {
    resetCatalogueFlag();
    ({ server } = await startAuthServer());
    admin = await adminClient(server);
    a = await makeWorld(admin, 'PA', 2);
    b = await makeWorld(admin, 'PB', 1);
  });

  afterAll(async () => {
    closeClients();
    await stopTestServers();
    removeTempDirs();
  });

  it('a player’s text reaches its own session and the game masters only; a game master’s reaches everyone', async () => {
    const [a0, a1, b0] = await Promise.all([
      playerClient(server, a.passphrases[0] as string),
      playerClient(server, a.passphrases[1] as string),
      playerClient(server, b.passphrases[0] as string),
    ]);
    const seen = new Map([admin, a0, a1, b0].map((c) => [c, collect(c)]));
    await a0.request({ type: 'ping', text: 'from A' });
    await b0.request({ type: 'ping', text: 'from B' });
    await admin.request({ type: 'ping', text: 'from the game master' });
    await settle(admin, [...seen.keys()], 'settled');
    const A = a.session.id;
    const B = b.session.id;
    const everyone: [null, string][] = [
      [null, 'from the game master'],
      [null, 'settled'],
    ];
    expect(pings(seen.get(a0) ?? [])).toEqual([[A, 'from A'], ...everyone]);
    expect(pings(seen.get(a1) ?? [])).toEqual([[A, 'from A'], ...everyone]);
    expect(pings(seen.get(b0) ?? [])).toEqual([[B, 'from B'], ...everyone]);
    expect(pings(seen.get(admin) ?? [])).toEqual([[A, 'from A'], [B, 'from B'], ...everyone]);
  });

  it('a player taken out of every session is only answered: no one hears the text', async () => {
    const c = await makeWorld(admin, 'PC', 1);
    const nomad = await playerClient(server, c.passphrases[0] as string);
    const nomadId = found(c.players[0], 'a player of PC').id;
    await admin.request({ type: 'team.assign', player: nomadId, team: null }, { session: c.session.id });
    await admin.request({ type: 'player.edit', id: nomadId, session: null });
    const watched = collect(admin);
    await expect(nomad.request({ type: 'ping', text: 'from nowhere' })).resolves.toEqual({
      text: 'from nowhere',
    });
    await settle(admin, [admin, nomad], 'nowhere settled');
    expect(pings(watched)).toEqual([[null, 'nowhere settled']]);
  });
});
