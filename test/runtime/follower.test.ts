import { afterEach, describe, expect, it } from 'vitest';
import { GLOBAL, partKey, sessionPart, type Part } from '../../src/engine/parts.js';
import type { ServerMessage } from '../../src/protocol/envelope.js';
import { partitionIds } from '../../src/cluster/id-partition.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { MemoryPeer } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession, type SessionSetup } from '../game/support/setup.js';
import { accepted, fix, HB, north, sealed, teamOf, type TeamView } from '../game/support/world.js';
import { found, journalLength, removeTempDirs, tempDir, waitFor } from '../helpers/index.js';
import { FollowerNode, forwardTo, stateText } from './follower-support.js';

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

async function node(name: string, owns: (part: Part) => boolean, dir = tempDir()): Promise<FollowerNode> {
  const created = new FollowerNode(name, dir, START, await demoCatalogueState(), owns);
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
  it('CLUSTER-18: a node that owns nothing applies the owner’s part batches to the same state, store, broadcasts, resumes and kept answers, and routes its own requests', async () => {
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
    for (const peer of a.connections()) {
      const twin = found(
        b.connections().find((p) => p.id === peer.id),
        `twin of ${peer.id}`,
      );
      expect(broadcastsOf(twin)).toEqual(broadcastsOf(peer));
    }
    const locations = (peer: MemoryPeer): number =>
      broadcastsOf(peer).filter((m) => m.event.type === 'location').length;
    const hiddenFrom = b.connections().find((p) => p.id === `p${String(s.members.get(caught)?.[0])}`);
    expect(locations(found(hiddenFrom, 'a player of the caught team'))).toBeLessThan(locations(b.admin));
    // A resume on B replays what one on A does.
    const admin = { kind: 'admin' } as const;
    expect(resumeFromStart(b, admin, null)).toEqual(resumeFromStart(a, admin, null));
    expect(resumeFromStart(b, admin, null).length).toBeGreaterThan(10);
    const player = playerOf(s, caught);
    expect(resumeFromStart(b, player, s.session)).toEqual(resumeFromStart(a, player, s.session));

    // B's own requests, of a session and of the global part, go to the router and change nothing here.
    const before = b.stateText();
    const journal = journalLength(dirB);
    const routedIds = [
      b.admin.submit({ type: 'team.rename', team: caught, name: 'Routed' }, s.session),
      b.admin.submit({ type: 'player.add', name: 'Routed', passphrase: sealed('routed-secret') }),
    ];
    await waitFor(() => b.routed.length === 2, 5_000, 'B routing its requests');
    expect(b.routed.map(({ item, part }) => [item.command.type, part])).toEqual([
      ['team.rename', partKey(sessionPart(s.session))],
      ['player.add', partKey(GLOBAL)],
    ]);
    await b.runtime.keptAnswersRead;
    expect(b.stateText()).toBe(before);
    expect(journalLength(dirB)).toBe(journal);
    expect(b.admin.inbox.all.filter((m) => m.type === 'response' && routedIds.includes(m.id ?? ''))).toEqual(
      [],
    );

    // B takes every part over: a request answered on A, sent again to B, gets A's kept answer (IDEMPOTENCY-1).
    b.owns = () => true;
    b.runtime.ownershipChanged();
    const again = b.admin.submit(announce, s.session, 'announce');
    expect(await b.admin.inbox.answer(again)).toEqual(answer);
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
});
