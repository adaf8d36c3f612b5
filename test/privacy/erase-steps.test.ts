import { afterEach, describe, expect, it } from 'vitest';
import { replayJournal } from '../../src/runtime/replay.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { toStateDocument } from '../../src/store/state-json.js';
import { closeClients, removeTempDirs, stopTestServers } from '../helpers/index.js';
import { journalInputs } from '../pictures/support.js';
import { erasePlayer, playedGame, storeBytes, traces } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('[CLUSTER-17] erasure one part at a time', () => {
  it('[CLUSTER-17] a refused global erase changes nothing; forgetting in each session, then erasing, leaves nothing of the player in state, journal, logs, answers and bytes, and replay finds the state equal', async () => {
    const game = await playedGame();
    const { server, owner, world, player } = game;
    // Off their team and into another session, on a team there and off it again: no record of that
    // session names them any more, only its journal.
    const other = (await owner.request({ type: 'session.add', name: 'Anderswo' })).id;
    await owner.request({ type: 'team.assign', player, team: null }, { session: world.session });
    await owner.request({ type: 'player.edit', id: player, session: other });
    const team = await owner.request({ type: 'team.add', name: 'Gäste' }, { session: other });
    await owner.request({ type: 'team.assign', player, team: team.id }, { session: other });
    await owner.request({ type: 'team.assign', player, team: null }, { session: other });
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
      details: { sessions: [world.session] },
    });
    expect({ state: state(), journal: journal() }).toEqual(before);

    const { erased, done } = await erasePlayer(owner, player);
    expect(done).toEqual([`forgotten in session ${other}`, `forgotten in session ${world.session}`]);
    expect(erased).toMatchObject({ id: player, name: `Erased player ${player}`, session: null });
    expect(traces(Buffer.from(state()), texts, [])).toEqual([]);
    expect(traces(Buffer.from(journal()), texts, [])).toEqual([]);
    expect(assignments()).toEqual([
      { type: 'team.assign', redacted: true },
      { type: 'team.assign', redacted: true },
    ]);
    const audit = await owner.request({ type: 'audit.list' });
    expect(audit.entries.slice(-3).map((e) => [e.command, e.session ?? null])).toEqual([
      ['player.forget', other],
      ['player.forget', world.session],
      ['player.erase', null],
    ]);

    await server.stop();
    // The data directory (state, journal, broadcast log, stored answers, picture bytes) holds none of it.
    expect(traces(storeBytes(server.dataDir), texts, game.pictureBytes)).toEqual([]);
    const store = SqliteStore.open(server.dataDir);
    try {
      expect(replayJournal(store)).toMatchObject({ equal: true, refused: [] });
    } finally {
      store.close();
    }
  }, 60_000);
});
