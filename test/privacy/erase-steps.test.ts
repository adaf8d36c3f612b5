import { afterEach, describe, expect, it } from 'vitest';
import { toStateDocument } from '../../src/store/state-json.js';
import { closeClients, removeTempDirs, stopTestServers } from '../helpers/index.js';
import { blobRows, httpBase, journalInputs, makeImage, uploaded, uploadHttp } from '../pictures/support.js';
import { erasePlayer, playedGame, storeBytes, traces, replayOf } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('[CLUSTER-17] erasure one part at a time', () => {
  it('[CLUSTER-17] a refused global erase changes nothing; forgetting in each session, then erasing, leaves nothing of the player in state, journal, logs, answers and bytes, and replay finds the state equal', async () => {
    const game = await playedGame();
    const { server, owner, world, player } = game;
    // Off their team and into another session, where they join a team and upload its picture, leave it,
    // and move on to a third session: only the pictures and journal of the second one name them there.
    const other = (await owner.request({ type: 'session.add', name: 'Anderswo' })).id;
    const third = (await owner.request({ type: 'session.add', name: 'Weiter' })).id;
    await owner.request({ type: 'team.assign', player, team: null }, { session: world.session });
    await owner.request({ type: 'player.edit', id: player, session: other });
    const team = await owner.request({ type: 'team.add', name: 'Gäste' }, { session: other });
    await owner.request({ type: 'team.assign', player, team: team.id }, { session: other });
    const image = await makeImage('png', 64, 64, { noise: true });
    const picture = uploaded(
      await uploadHttp(httpBase(server.url), world.tokens.a0, { kind: 'team', team: team.id }, image),
    );
    await owner.request({ type: 'team.assign', player, team: null }, { session: other });
    await owner.request({ type: 'player.edit', id: player, session: third });
    const texts = [game.name, game.phone, game.coordinate];
    const journal = (): string => journalInputs(server.dataDir).join('\n');
    expect(traces(Buffer.from(journal()), texts, [])).toEqual(texts);
    const assignments = (): unknown[] =>
      journalInputs(server.dataDir)
        .map((input) => JSON.parse(input) as { session?: number; command: { type: string } })
        .filter((row) => row.session === other && row.command.type === 'team.assign')
        .map((row) => row.command);
    expect(assignments()).toEqual([
      { type: 'team.assign', player, team: team.id },
      { type: 'team.assign', player, team: null },
    ]);

    const state = (): string => JSON.stringify(toStateDocument(server.server.runtime.current));
    const before = { state: state(), journal: journal() };
    await expect(owner.request({ type: 'player.erase', id: player })).rejects.toMatchObject({
      code: 'ERASE_SESSIONS_FIRST',
      details: { sessions: [world.session, other] },
    });
    expect({ state: state(), journal: journal() }).toEqual(before);

    const { erased, done } = await erasePlayer(owner, player);
    // Their session, the one they played in (their export says), the one the refusal names.
    expect(done).toEqual([
      `forgotten in session ${third}`,
      `forgotten in session ${world.session}`,
      `forgotten in session ${other}`,
    ]);
    expect(server.server.runtime.current.tables.picture.has(picture.id)).toBe(false);
    expect(blobRows(server.dataDir)).toEqual([]);
    expect(erased).toMatchObject({ id: player, name: `Erased player ${player}`, session: null });
    expect(traces(Buffer.from(state()), texts, [])).toEqual([]);
    expect(traces(Buffer.from(journal()), texts, [])).toEqual([]);
    expect(assignments()).toEqual([
      { type: 'team.assign', redacted: true },
      { type: 'team.assign', redacted: true },
    ]);
    const audit = await owner.request({ type: 'audit.list' });
    expect(audit.entries.slice(-4).map((e) => [e.command, e.session ?? null])).toEqual([
      ['player.forget', third],
      ['player.forget', world.session],
      ['player.forget', other],
      ['player.erase', null],
    ]);

    await server.stop();
    // The data directory (state, journal, broadcast log, stored answers, picture bytes) holds none of it.
    expect(traces(storeBytes(server.dataDir), texts, game.pictureBytes)).toEqual([]);
    expect(replayOf(server.dataDir)).toMatchObject({ equal: true, refused: [] });
  }, 60_000);

  it('[CLUSTER-17] player.forget redacts only its session’s rows: the global part keeps the name until the erase', async () => {
    const game = await playedGame();
    const { server, owner, world, player } = game;
    await owner.request({ type: 'team.assign', player, team: null }, { session: world.session });
    const forgotten = await owner.request({ type: 'player.forget', player }, { session: world.session });
    expect(forgotten).toEqual({ player, session: world.session, pictures: 1, games: 1 });
    const journal = Buffer.from(journalInputs(server.dataDir).join('\n'));
    // The session's location report is redacted; the global player.edit that set name and phone is not.
    expect(traces(journal, [game.name, game.phone, game.coordinate], [])).toEqual([game.name, game.phone]);
    expect(server.server.runtime.current.tables.player.get(player)).toMatchObject({ name: game.name });
    // The profile picture is the global part's: it stays until the erase.
    expect(blobRows(server.dataDir)).toHaveLength(2);
    await owner.request({ type: 'player.erase', id: player });
    expect(
      traces(Buffer.from(journalInputs(server.dataDir).join('\n')), [game.name, game.phone], []),
    ).toEqual([]);
    expect(blobRows(server.dataDir)).toEqual([]);
  }, 60_000);
});
