import { describe, expect, it } from 'vitest';
import { crossings, partKey } from '../../src/engine/parts.js';
import type { TableName } from '../../src/engine/state.js';
import type { StepResult } from '../../src/engine/step.js';
import type { Player } from '../../src/protocol/entities.js';
import { journalInput } from '../../src/runtime/journal-entry.js';
import { readJournalInput } from '../../src/store/journal-input.js';
import { stateHash } from '../../src/store/state-json.js';
import type { MutableState } from '../../src/store/store.js';
import { StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, setUpSession } from '../game/support/setup.js';
import { accepted, fix, HB, north } from '../game/support/world.js';
import { found } from '../helpers/index.js';

/** The tables a step wrote records of (its id counters left out). */
const tablesWritten = (result: StepResult): Set<TableName> =>
  new Set(result.writes.flatMap((w) => (w.op === 'put' || w.op === 'delete' ? [w.table] : [])));

async function twoTeams(): Promise<{ d: StepDriver; session: number; teams: number[]; players: number[] }> {
  const d = new StepDriver(zurich(9, 0), 5, await demoCatalogueState());
  const s = await setUpSession(d, { teams: 2, perTeam: 2, config: { numCatchers: 1 } });
  return { d, session: s.session, teams: [...s.teams], players: [...s.players] };
}

describe('[CLUSTER-12] a session’s commands write no player record', () => {
  it('[CLUSTER-12] location.send records the report in the session’s position record and the team', async () => {
    const { d, session, teams, players } = await twoTeams();
    d.run({ type: 'game.start' }, session);
    const player = found(players[0], 'a player');
    const send = (at: { lat: number; lon: number }): StepResult =>
      d.run({ type: 'location.send', location: fix(at, d.now()) }, session, { kind: 'player', player });
    const sent = send(HB);
    expect(sent.outcome).toMatchObject({ ok: true, result: { accepted: true } });
    expect(tablesWritten(sent)).toEqual(new Set(['position', 'team', 'trackPoint']));
    expect(d.state().tables.position.get(player)).toEqual({
      id: player,
      session,
      lat: HB.lat,
      lon: HB.lon,
      at: d.now(),
      timestamp: d.now(),
    });
    // The position is what LOCATION-2 compares with: the same coordinates again are not taken.
    expect(send(HB).outcome).toMatchObject({ result: { accepted: false, reason: 'same-position' } });
    await d.advance(20_000);
    const moved = send(north(HB, 100));
    expect(moved.outcome).toMatchObject({ result: { accepted: true } });
    expect(tablesWritten(moved).has('player')).toBe(false);
    expect(d.state().tables.team.teamOf(player)?.id).toBe(teams[0]);
  });

  it('[CLUSTER-12][PRIVACY-2] a game master’s report for a player names that player in its journal row', async () => {
    const { d, session, players } = await twoTeams();
    d.run({ type: 'game.start' }, session);
    const player = found(players[1], 'a player');
    const input = {
      command: { type: 'location.send', player, location: fix(HB, d.now()) },
      actor: { kind: 'admin' },
      session,
    } as const;
    const result = d.exec(input);
    expect(tablesWritten(result).has('position')).toBe(true);
    // Its row is about the player (erasing them redacts it) though their own record was not written.
    const row = journalInput(input, result, d.now(), undefined, undefined);
    expect(readJournalInput({ at: d.now(), input: row }).subjects).toEqual([player]);
  });

  it('[CLUSTER-12] team.assign moves a player by writing the two teams and forgetting the position, not the player', async () => {
    const { d, session, teams, players } = await twoTeams();
    const player = found(players[0], 'a player');
    const [from, to] = [found(teams[0], 'team 0'), found(teams[1], 'team 1')];
    // A last report left from before (a store migrated from the player record's `lastLocation`).
    (d.state() as MutableState).tables.position.set(player, { id: player, session, lat: 1, lon: 2 });
    const move = d.run({ type: 'team.assign', player, team: to }, session);
    expect(tablesWritten(move)).toEqual(new Set(['team', 'position']));
    expect(move.writes).toContainEqual({ op: 'delete', table: 'position', id: player });
    expect(move.outcome).toMatchObject({ ok: true, result: { id: player, team: to } });
    expect(move.broadcasts.map((b) => b.event)).toContainEqual({
      type: 'player.changed',
      player: expect.objectContaining({ id: player, team: to }) as Player,
    });
    expect(d.state().tables.team.get(from)?.players).not.toContain(player);
    expect(d.state().tables.team.get(to)?.players).toContain(player);
    const leave = d.run({ type: 'team.assign', player, team: null }, session);
    expect(tablesWritten(leave)).toEqual(new Set(['team']));
    expect(accepted<Player>(await d.call({ command: { type: 'player.get', id: player } })).team).toBeNull();
  });

  it('[CLUSTER-12] team.remove leaves its players in no team without writing them', async () => {
    const { d, session, teams, players } = await twoTeams();
    const removed = d.run({ type: 'team.remove', team: found(teams[0], 'team 0') }, session);
    expect(tablesWritten(removed)).toEqual(new Set(['team']));
    const list = accepted<Player[]>(await d.call({ command: { type: 'player.list' } }));
    expect(list.filter((p) => p.team === null).map((p) => p.id)).toEqual(players.slice(0, 2));
  });

  it('[CLUSTER-12] a game’s start and end write no player; the end forgets only its session’s positions', async () => {
    const { d, session, players } = await twoTeams();
    const other = accepted<{ id: number }>(await d.call({ command: { type: 'session.add', name: 'Bern' } }));
    const stranger = 999_999;
    (d.state() as MutableState).tables.position.set(stranger, {
      id: stranger,
      session: other.id,
      lat: 1,
      lon: 2,
    });
    const start = d.run({ type: 'game.start' }, session);
    expect(start.outcome.ok).toBe(true);
    expect(tablesWritten(start).has('player')).toBe(false);
    for (const player of players)
      d.run({ type: 'location.send', location: fix(HB, d.now()) }, session, { kind: 'player', player });
    expect(players.every((p) => d.state().tables.position.has(p))).toBe(true);
    const end = d.run({ type: 'game.stop' }, session);
    expect(end.outcome.ok).toBe(true);
    expect(tablesWritten(end).has('player')).toBe(false);
    expect(players.filter((p) => d.state().tables.position.has(p))).toEqual([]);
    expect(d.state().tables.position.has(stranger)).toBe(true);
  });
});

describe('[CLUSTER-15] global commands that take a player out of a session write only the global part', () => {
  /** What a global step must not leave behind in the session a player left: a team or position naming them. */
  const sessionRecordsNaming = (d: StepDriver, player: number): string[] => [
    ...[...d.state().tables.team.values()]
      .filter((t) => t.players.includes(player))
      .map((t) => `team ${t.id}`),
    ...(d.state().tables.position.has(player) ? ['position'] : []),
  ];

  it('[CLUSTER-15][PLAYER-3][PLAYER-4] moving or removing a player on a team is refused, naming the team, and changes nothing', async () => {
    const { d, teams, players } = await twoTeams();
    const other = accepted<{ id: number }>(await d.call({ command: { type: 'session.add', name: 'Bern' } }));
    const player = found(players[0], 'a player');
    const before = stateHash(d.state());
    for (const command of [
      { type: 'player.edit', id: player, session: other.id },
      { type: 'player.edit', id: player, session: null, name: 'Anna' },
      { type: 'player.remove', id: player },
    ] as const) {
      const refused = d.run(command);
      expect(refused.outcome).toMatchObject({
        ok: false,
        error: { code: 'PLAYER_ON_TEAM', details: { entity: 'team', id: teams[0] } },
      });
      expect(refused.outcome.ok === false && refused.outcome.error.message).toMatch(
        /on the team "[^"]+": take them off the team/,
      );
      expect(refused.writes).toEqual([]);
    }
    expect(stateHash(d.state())).toBe(before);
  });

  it('[CLUSTER-15][PLAYER-3] a player on a team keeps their name, phone and passphrase editable', async () => {
    const { d, teams, players } = await twoTeams();
    const renamed = d.run({
      type: 'player.edit',
      id: found(players[1], 'a player'),
      name: 'Anna',
      phone: '079',
    });
    expect(tablesWritten(renamed)).toEqual(new Set(['player']));
    expect(renamed.outcome).toMatchObject({ result: { name: 'Anna', phone: '079', team: teams[0] } });
  });

  it('[CLUSTER-15][TEAM-6] off the team in the session first, then moved by the global step: each writes its own part', async () => {
    const { d, session, players } = await twoTeams();
    const other = accepted<{ id: number }>(await d.call({ command: { type: 'session.add', name: 'Bern' } }));
    const [moved, removed] = [found(players[0], 'a player'), found(players[2], 'another player')];
    // Last reports left from before (a store migrated from the player record's `lastLocation`).
    for (const player of [moved, removed])
      (d.state() as MutableState).tables.position.set(player, { id: player, session, lat: 1, lon: 2 });
    const parts: string[] = [];
    d.onStep = (input, result, before) => {
      const { step, outside } = crossings(input, result.writes, before);
      parts.push(`${input.command.type} in ${partKey(step.part)}${outside.length > 0 ? ' crossed' : ''}`);
    };
    for (const player of [moved, removed])
      expect(d.run({ type: 'team.assign', player, team: null }, session).outcome.ok).toBe(true);
    const edit = d.run({ type: 'player.edit', id: moved, session: other.id });
    const remove = d.run({ type: 'player.remove', id: removed });
    d.onStep = undefined;
    expect(edit.outcome).toMatchObject({ ok: true, result: { session: other.id, team: null } });
    expect(remove.outcome).toMatchObject({ ok: true, result: { removed: true, session: null } });
    expect([tablesWritten(edit), tablesWritten(remove)]).toEqual([new Set(['player']), new Set(['player'])]);
    expect(parts).toEqual([
      `team.assign in session:${session}`,
      `team.assign in session:${session}`,
      'player.edit in global',
      'player.remove in global',
    ]);
    expect([...sessionRecordsNaming(d, moved), ...sessionRecordsNaming(d, removed)]).toEqual([]);
  });

  it('[CLUSTER-15][TEAM-5] removing a team forgets its players’ last reports too', async () => {
    const { d, session, teams, players } = await twoTeams();
    const [member, stranger] = [
      found(players[0], 'a player of team 0'),
      found(players[2], 'a player of team 1'),
    ];
    for (const player of [member, stranger])
      (d.state() as MutableState).tables.position.set(player, { id: player, session, lat: 1, lon: 2 });
    const removed = d.run({ type: 'team.remove', team: found(teams[0], 'team 0') }, session);
    expect(removed.writes).toContainEqual({ op: 'delete', table: 'position', id: member });
    expect(sessionRecordsNaming(d, member)).toEqual([]);
    expect(d.state().tables.position.has(stranger)).toBe(true);
  });

  it('[CLUSTER-15][LOCK-1] during a game a player on a team is refused; taking them off the team is locked', async () => {
    const { d, session, players } = await twoTeams();
    d.run({ type: 'game.start' }, session);
    const other = accepted<{ id: number }>(await d.call({ command: { type: 'session.add', name: 'Bern' } }));
    const player = found(players[0], 'a player');
    const refused = d.run({ type: 'player.edit', id: player, session: other.id });
    expect(refused.outcome).toMatchObject({ ok: false, error: { code: 'PLAYER_ON_TEAM' } });
    expect(refused.writes).toEqual([]);
    const locked = d.run({ type: 'team.assign', player, team: null }, session);
    expect(locked.outcome).toMatchObject({ ok: false, error: { code: 'GAME_IN_PROGRESS' } });
  });
});
