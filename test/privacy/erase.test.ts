import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { toStateDocument } from '../../src/store/state-json.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
} from '../helpers/index.js';
import {
  blobRows,
  getHttp,
  httpBase,
  journalInputs,
  makeImage,
  makeWorld,
  uploaded,
  uploadHttp,
} from '../pictures/support.js';
import { erasePlayer, playedGame, storeBytes, traces, replayOf } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('[PRIVACY-2] erasing a player', () => {
  it('[PRIVACY-2] removes their data from the state, past games, exports, later backups and the journal; replay still verifies', async () => {
    const game = await playedGame();
    const { server, owner, player } = game;
    const texts = [game.name, game.phone, game.coordinate];
    // The data really is there before (so that the checks below can fail).
    await owner
      .request({ type: 'server.backup', file: 'before.db' })
      .then(({ file }) =>
        expect(traces(readFileSync(file), texts, game.pictureBytes)).toEqual([
          ...texts,
          'picture bytes #0',
          'picture bytes #1',
          'picture bytes #2',
          'picture bytes #3',
        ]),
      );

    const { erased, done } = await erasePlayer(owner, player);
    expect(done).toEqual([
      `taken off team ${game.world.teams.a}`,
      `forgotten in session ${game.world.session}`,
    ]);
    expect(erased).toMatchObject({ id: player, name: `Erased player ${player}`, phone: null, removed: true });

    // The live state.
    const state = server.server.runtime.current;
    expect(state.tables.player.get(player)).toMatchObject({
      passphrase: null,
      phone: null,
      picture: null,
    });
    // What the session's game kept about them is in its own records (CLUSTER-12): no team, no position.
    expect(state.tables.team.teamOf(player)).toBeUndefined();
    expect(state.tables.position.get(player)).toBeUndefined();
    expect([...state.tables.token.values()].filter((t) => t.player === player)).toEqual([]);
    for (const id of game.pictures) expect(state.tables.picture.get(id)).toBeUndefined();
    expect(blobRows(server.dataDir).map((b) => b.key)).toEqual([]);
    expect([...state.tables.trackPoint.values()].filter((p) => p.team === game.world.teams.a)).toEqual([]);
    const exported = JSON.stringify(toStateDocument(state));
    expect(traces(Buffer.from(exported), texts, [])).toEqual([]);

    // The archive keeps scores and events under the pseudonym's id, without track, places or pictures.
    const past = await owner.request({ type: 'pastGame.get', id: game.pastGame });
    const team = past.teams.find((t) => t.id === game.world.teams.a);
    expect(team?.players).toContain(player);
    expect(team?.track).toEqual([]);
    expect(team?.periods.map((p) => [p.location, p.pictures])).toEqual(team?.periods.map(() => [null, []]));
    expect(past.events.length).toBeGreaterThan(0);

    // The journal keeps only redacted forms, and the audit shows them as such.
    expect(traces(Buffer.from(journalInputs(server.dataDir).join('\n')), texts, [])).toEqual([]);
    const audit = await owner.request({ type: 'audit.list' });
    const edits = audit.entries.filter((e) => e.command === 'player.edit');
    expect(edits.map((e) => e.params)).toEqual([null]);
    expect(audit.entries.at(-1)).toMatchObject({ command: 'player.erase', params: { id: player } });

    // The login is gone.
    await expect(openClient({ url: server.url, token: game.world.tokens.a0 })).rejects.toThrow();

    // A backup made afterwards, and the data directory once the server stopped, hold none of it.
    const { file } = await owner.request({ type: 'server.backup', file: 'after.db' });
    expect(traces(readFileSync(file), texts, game.pictureBytes)).toEqual([]);
    await server.stop();
    expect(traces(storeBytes(server.dataDir), texts, game.pictureBytes)).toEqual([]);
    expect(replayOf(server.dataDir)).toMatchObject({ equal: true, refused: [] });
  }, 60_000);

  it('[PRIVACY-2] is refused while their team plays, and an erased player is gone for commands', async () => {
    const game = await playedGame();
    const { owner, world } = game;
    await owner.request({ type: 'game.start' }, { session: world.session });
    await expect(owner.request({ type: 'player.erase', id: world.players.b0 })).rejects.toMatchObject({
      code: 'GAME_IN_PROGRESS',
    });
    await owner.request({ type: 'game.stop' }, { session: world.session });
    await erasePlayer(owner, world.players.b0);
    await expect(owner.request({ type: 'player.erase', id: world.players.b0 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      owner.request({ type: 'player.edit', id: world.players.b0, name: 'back' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);

  it('[PRIVACY-2] keeps bytes still shown by another player’s identical picture (blobs are keyed by content)', async () => {
    const server = await startTestServer();
    const owner = await openClient({ socket: server.socketPath });
    const world = await makeWorld(owner);
    const base = httpBase(server.url);
    const image = await makeImage('png', 96, 96, { noise: true });
    const upload = async (token: string, player: number) =>
      uploaded(await uploadHttp(base, token, { kind: 'player', player }, image));
    const erasedOnes = await upload(world.tokens.a0, world.players.a0);
    const kept = await upload(world.tokens.b0, world.players.b0);
    const keys = blobRows(server.dataDir).map((b) => b.key);
    expect(keys).toHaveLength(2);

    await erasePlayer(owner, world.players.a0);
    const state = server.server.runtime.current;
    expect(state.tables.picture.has(erasedOnes.id)).toBe(false);
    expect(blobRows(server.dataDir).map((b) => b.key)).toEqual(keys);
    const full = await getHttp(base, `/pictures/${kept.id}`, { bearer: server.adminToken });
    expect(full.status).toBe(200);

    // Once the last picture naming them goes, so do the bytes.
    await erasePlayer(owner, world.players.b0);
    expect(blobRows(server.dataDir)).toEqual([]);
  }, 60_000);
});
