import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GLOBAL, partKey, sessionPart, type Part } from '../../src/engine/parts.js';
import type { ServerMessage } from '../../src/protocol/envelope.js';
import { partitionIds } from '../../src/cluster/id-partition.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { encodeReplicated } from '../../src/runtime/replicated.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { MemoryPeer } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { randomGame } from '../game/support/random-game.js';
import { demoCatalogueState, playerOf, setUpSession, type SessionSetup } from '../game/support/setup.js';
import { accepted, fix, HB, north, sealed, teamOf, type TeamView } from '../game/support/world.js';
import { found, journalLength, removeTempDirs, tempDir, waitFor } from '../helpers/index.js';
import { FollowerNode, forwardTo, settle, stateText } from './follower-support.js';

/**
 * CLUSTER-18: a runtime that owns some parts steps only those, routes the others' requests, hands each
 * part's share of a turn to the cluster, and applies the other parts' batches to its memory, its store
 * and its connections as if it had stepped them.
 */

const MINUTE = 60_000;
const START = zurich(9, 0);
const nodes: FollowerNode[] = [];

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.close();
  removeTempDirs();
});

async function node(
  name: string,
  owns: (part: Part) => boolean,
  dir = tempDir(),
  busyTimeoutMs?: number,
): Promise<FollowerNode> {
  const created = new FollowerNode(name, dir, START, await demoCatalogueState(), owns, busyTimeoutMs);
  nodes.push(created);
  return created;
}

const owning =
  (...parts: Part[]) =>
  (part: Part): boolean =>
    parts.some((p) => partKey(p) === partKey(part));

type Broadcast = Extract<ServerMessage, { type: 'broadcast' }>;
const broadcastsOf = (peer: MemoryPeer): Broadcast[] =>
  peer.inbox.all.filter((m): m is Broadcast => m.type === 'broadcast');
const announcements = (peer: MemoryPeer): string[] =>
  broadcastsOf(peer).flatMap((m) => (m.event.type === 'announcement' ? [m.event.text] : []));

/** What a connection opened now gets by resuming from the start of every stream it may see. */
function resumeFromStart(n: FollowerNode, actor: MemoryPeer['actor'], session: number | null): Broadcast[] {
  const late = new MemoryPeer(n.runtime, `late ${Math.random()}`, actor, session);
  n.runtime.resume(late, {});
  late.close();
  return broadcastsOf(late);
}

/** Team `team` reports (through its first player) a position `metres` north of the main station. */
async function report(n: FollowerNode, s: SessionSetup, team: number, metres: number): Promise<void> {
  const command = { type: 'location.send', location: fix(north(HB, metres), n.now()) } as const;
  const reply = await n.call({ command, session: s.session, as: playerOf(s, team) });
  expect(reply).toMatchObject({ ok: true, result: { accepted: true } });
}

/** A game of three teams (one catcher) started on `n`: the catcher and the runners. */
async function startGame(n: FollowerNode, s: SessionSetup): Promise<{ catcher: number; runners: number[] }> {
  const game = accepted<{ teams: TeamView[] }>(
    await n.call({ command: { type: 'game.start' }, session: s.session }),
  );
  const catcher = found(
    game.teams.find((t) => t.role === 'Catcher'),
    'catcher',
  ).id;
  return { catcher, runners: s.teams.filter((t) => t !== catcher) };
}

/** Plays a short game on `n`: locations, a completed challenge, a catch, a location in grace, timers. */
async function playShortGame(n: FollowerNode, s: SessionSetup): Promise<{ caught: number }> {
  const { catcher, runners } = await startGame(n, s);
  for (const [index, team] of s.teams.entries()) {
    await n.advance(MINUTE);
    await report(n, s, team, 100 * index);
  }
  const runner = found(runners[0], 'runner');
  const offer = found(teamOf(n.state(), runner).offers[0], 'offer');
  const periodId = teamOf(n.state(), runner).periods.length;
  accepted(
    await n.call({
      command: { type: 'complete', team: runner, challenge: offer.challengeId, periodId },
      session: s.session,
    }),
  );
  await n.advance(MINUTE);
  const catcherPeriod = teamOf(n.state(), catcher).periods.length;
  accepted(
    await n.call({
      command: { type: 'catch', catcher, caught: runner, periodId: catcherPeriod, override: true },
      session: s.session,
    }),
  );
  // In grace, the team that caught is hidden from the new catchers (VISIBILITY-4): a team-only event.
  await n.advance(MINUTE);
  await report(n, s, catcher, 500);
  await report(n, s, catcher, 600);
  await n.advance(30 * MINUTE);
  return { caught: runner };
}

describe('[CLUSTER-18] a runtime that owns some parts', () => {
  it('[CLUSTER-18] a node that owns nothing applies the owner’s part batches to the same state, store, broadcasts, resumes and kept answers, and routes its own requests', async () => {
    const a = await node('A', () => true);
    const dirB = tempDir();
    const b = await node('B', () => false, dirB);
    a.followers.push(b);
    a.twins.push(b);
    const s = await setUpSession(a, { teams: 3, perTeam: 2, config: { numCatchers: 1 } });
    const { caught } = await playShortGame(a, s);
    // A request that would do it again if run again: a second announcement (IDEMPOTENCY-1).
    const announce = { type: 'announcement.schedule', text: 'Once', at: a.now() + 24 * 60 * MINUTE } as const;
    const answer = await a.admin.inbox.answer(a.admin.submit(announce, s.session, 'announce'));
    await b.caughtUp();

    expect(b.applied.length).toBe(a.commits.reduce((n, c) => n + c.parts.length, 0));
    expect(b.applied.every((result) => result.ok)).toBe(true);
    expect(b.stateText()).toBe(a.stateText());
    expect(b.runtime.armedTimers).toBe(0);
    // Every connection on B got what its twin on A got, frame for frame (same seqs, same audience).
    const twins = b.connections();
    expect([...twins.keys()]).toEqual([...a.connections().keys()]);
    for (const [key, peer] of a.connections())
      expect(broadcastsOf(found(twins.get(key), key))).toEqual(broadcastsOf(peer));
    const locations = (peer: MemoryPeer): number =>
      broadcastsOf(peer).filter((m) => m.event.type === 'location').length;
    const hiddenFrom = twins.get(`p${String(s.members.get(caught)?.[0])}`);
    expect(locations(found(hiddenFrom, 'a player of the caught team'))).toBeLessThan(locations(b.admin));
    // A resume on B replays what one on A does.
    const admin = { kind: 'admin' } as const;
    expect(resumeFromStart(b, admin, null)).toEqual(resumeFromStart(a, admin, null));
    expect(resumeFromStart(b, admin, null).length).toBeGreaterThan(10);
    const player = playerOf(s, caught);
    expect(resumeFromStart(b, player, s.session)).toEqual(resumeFromStart(a, player, s.session));

    // B's own requests, of a session and of the global part, and a due timer of the session (as the
    // engine's own request), go to the router and change nothing here.
    const timer = found(
      [...b.state().tables.timer.values()].find((t) => t.session === s.session),
      'a timer of the session',
    ).id;
    const before = b.stateText();
    const journal = journalLength(dirB);
    const routedIds = [
      b.admin.submit({ type: 'team.rename', team: caught, name: 'Routed' }, s.session),
      b.admin.submit({ type: 'player.add', name: 'Routed', passphrase: sealed('routed-secret') }),
    ];
    b.runtime.submit({ source: 'system', command: { type: 'timer.fire', timer } });
    await waitFor(() => b.routed.length === 3, 5_000, 'B routing its requests');
    expect(b.routed.map(({ item, part }) => [item.command.type, part])).toEqual([
      ['team.rename', partKey(sessionPart(s.session))],
      ['player.add', partKey(GLOBAL)],
      ['timer.fire', partKey(sessionPart(s.session))],
    ]);
    await b.runtime.keptAnswersRead;
    expect(b.stateText()).toBe(before);
    expect(journalLength(dirB)).toBe(journal);
    expect(b.admin.inbox.all.filter((m) => m.type === 'response' && routedIds.includes(m.id ?? ''))).toEqual(
      [],
    );

    // B takes every part over: A's game master reconnects to B and sends a request again; it gets A's
    // kept answer (IDEMPOTENCY-1), and nothing runs again.
    b.owns = () => true;
    b.runtime.ownershipChanged();
    const reconnected = new MemoryPeer(b.runtime, a.admin.id, { kind: 'admin' }, null);
    const again = reconnected.submit(announce, s.session, 'announce');
    expect(await reconnected.inbox.answer(again)).toEqual(answer);
    expect(b.stateText()).toBe(before);
    expect(journalLength(dirB)).toBe(journal);

    // B's store loads to the same state.
    await b.close();
    nodes.splice(nodes.indexOf(b), 1);
    const reloaded = SqliteStore.open(dirB);
    const state = reloaded.load();
    reloaded.close();
    expect(stateText(state)).toBe(a.stateText());
  });

  it('[CLUSTER-18] with the sessions split over two nodes, each steps its own, routes the other’s and applies the other’s batches: both converge', async () => {
    const a = await node('A', owning(GLOBAL, sessionPart(1)));
    const b = await node('B', owning(sessionPart(2)));
    a.followers.push(b);
    b.followers.push(a);
    a.twins.push(b);
    a.router = forwardTo(a, b);
    b.router = forwardTo(b, a);
    await partitionIds(a.runtime, 'A', 1);
    // Both sessions are set up through A: session 2's requests go to B and B's answers come back.
    const s1 = await setUpSession(a, { name: 'Züri', teams: 3, perTeam: 1, config: { numCatchers: 1 } });
    const s2 = await setUpSession(a, { name: 'Bern', teams: 3, perTeam: 1, config: { numCatchers: 1 } });
    expect([s1.session, s2.session]).toEqual([1, 2]);
    const routedByA = new Set(a.routed.map((r) => r.part));
    expect(routedByA).toEqual(new Set([partKey(sessionPart(2))]));
    await settle([a, b]);

    // Each node plays its own session's game; session 2 also takes requests through A.
    const game1 = await startGame(a, s1);
    const game2 = await startGame(b, s2);
    for (const [index, team] of s1.teams.entries()) await report(a, s1, team, 100 * index);
    for (const [index, team] of s2.teams.entries()) await report(index === 0 ? a : b, s2, team, 100 * index);
    accepted(
      await a.call({
        command: {
          type: 'catch',
          catcher: game2.catcher,
          caught: found(game2.runners[0], 'runner'),
          periodId: 0,
          override: true,
        },
        session: s2.session,
      }),
    );
    accepted(
      await a.call({
        command: {
          type: 'catch',
          catcher: game1.catcher,
          caught: found(game1.runners[0], 'runner'),
          periodId: 0,
          override: true,
        },
        session: s1.session,
      }),
    );
    a.clock.advance(30 * MINUTE);
    b.clock.advance(30 * MINUTE);
    await settle([a, b]);

    expect([...a.applied, ...b.applied].every((result) => result.ok)).toBe(true);
    expect(b.stateText()).toBe(a.stateText());
    // Each stream's broadcasts, with the same seqs, on both nodes (the two sessions interleave differently).
    const byStream = (frames: Broadcast[]): Broadcast[] =>
      [...frames].sort((x, y) => String(x.session).localeCompare(String(y.session)) || x.seq - y.seq);
    expect(byStream(broadcastsOf(b.admin))).toEqual(byStream(broadcastsOf(a.admin)));
    const admin = { kind: 'admin' } as const;
    expect(byStream(resumeFromStart(b, admin, null))).toEqual(byStream(resumeFromStart(a, admin, null)));
    // Each node's journal replays to its state (DURABILITY-3), though their rows interleave differently.
    for (const n of [a, b]) expect(replayJournal(n.store)).toMatchObject({ equal: true, refused: [] });
  });

  it('[CLUSTER-18] a random game played on the owner ends in the same state on a follower, whose journal replays', async () => {
    const a = await node('A', () => true);
    const b = await node('B', () => false);
    a.followers.push(b);
    a.twins.push(b);
    expect(await randomGame(a, 18, 150)).toEqual([]);
    await settle([a, b]);
    expect(b.applied.every((result) => result.ok)).toBe(true);
    expect(b.stateText()).toBe(a.stateText());
    for (const [key, peer] of a.connections())
      expect(broadcastsOf(found(b.connections().get(key), key))).toEqual(broadcastsOf(peer));
    expect(replayJournal(b.store)).toMatchObject({ equal: true, refused: [] });
  });

  it('[CLUSTER-18] a replicated redaction checkpoints the follower’s journal at its own state, which replays', async () => {
    const a = await node('A', () => true);
    const b = await node('B', () => false);
    a.followers.push(b);
    const s = await setUpSession(a, { teams: 2, perTeam: 1 });
    const loner = accepted<{ id: number }>(
      await a.call({
        command: {
          type: 'player.add',
          name: 'Loner',
          passphrase: sealed('loner-secret'),
          session: s.session,
        },
      }),
    );
    accepted(await a.call({ command: { type: 'player.forget', player: loner.id }, session: s.session }));
    accepted(
      await a.call({
        command: { type: 'team.rename', team: found(s.teams[0], 'team'), name: 'After' },
        session: s.session,
      }),
    );
    await settle([a, b]);
    expect(b.stateText()).toBe(a.stateText());
    expect(b.store.journalBaseSeq()).toBeGreaterThan(0);
    expect(replayJournal(b.store)).toMatchObject({ equal: true, refused: [] });
  });

  it('[CLUSTER-18] a timer fires only on the owner of its part; a node that takes the part fires the overdue ones at once, in due order, once', async () => {
    const a = await node('A', () => true);
    const b = await node('B', () => false);
    a.followers.push(b);
    const s = await setUpSession(a, { teams: 2, perTeam: 1 });
    const announce = (text: string, minutes: number) =>
      ({ type: 'announcement.schedule', text, at: a.now() + minutes * MINUTE }) as const;
    accepted(await a.call({ command: announce('second', 10), session: s.session }));
    accepted(await a.call({ command: announce('first', 5), session: s.session }));
    await settle([a, b]);
    expect([a.runtime.armedTimers, b.runtime.armedTimers]).toEqual([2, 0]);

    b.clock.advance(20 * MINUTE);
    await settle([a, b]);
    expect(b.routed).toEqual([]);
    expect(announcements(b.admin)).toEqual([]);

    // A hands the session over: its timers go with it.
    a.owns = owning(GLOBAL);
    a.runtime.ownershipChanged();
    b.owns = owning(sessionPart(s.session));
    b.runtime.ownershipChanged();
    expect([a.runtime.armedTimers, b.runtime.armedTimers]).toEqual([0, 2]);
    b.clock.advance(0);
    await waitFor(() => announcements(b.admin).length === 2, 5_000, 'the overdue announcements on B');
    b.clock.advance(60 * MINUTE);
    a.clock.advance(60 * MINUTE);
    await settle([a, b]);
    expect(announcements(b.admin)).toEqual(['first', 'second']);
    expect(announcements(a.admin)).toEqual([]);
    expect(b.runtime.armedTimers).toBe(0);
  });

  it('[CLUSTER-18] a replicated batch whose local commit fails is taken back and reported; fed again, it applies', async () => {
    const a = await node('A', () => true);
    const dirB = tempDir();
    const b = await node('B', () => false, dirB, 200);
    a.followers.push(b);
    const before = b.stateText();
    const lock = lockDatabase(dirB);
    accepted(await a.call({ command: { type: 'session.add', name: 'Zug', timeZone: 'Europe/Zurich' } }));
    await b.caughtUp();
    lock.release();
    expect(b.applied.map((result) => (result.ok ? 'ok' : result.error.message))).toEqual([
      'database is locked',
    ]);
    expect(b.stateText()).toBe(before);
    expect(broadcastsOf(b.admin)).toEqual([]);

    // The cluster feeds it again (from the log): now it is applied, and announced here.
    for (const part of found(a.commits.at(-1), 'the commit').parts) b.feed(a, encodeReplicated(part));
    await b.caughtUp();
    expect(b.applied.at(-1)).toEqual({ ok: true });
    expect(b.stateText()).toBe(a.stateText());
    expect(broadcastsOf(b.admin)).toEqual(broadcastsOf(a.admin));
  });
});

/** Another connection takes the database's write lock, so that the node's commits wait for it and fail. */
function lockDatabase(dir: string): { release: () => void } {
  const locker = new Database(join(dir, DATABASE_FILE));
  locker.prepare('BEGIN IMMEDIATE').run();
  return {
    release: () => {
      locker.prepare('ROLLBACK').run();
      locker.close();
    },
  };
}
