import { expect } from 'vitest';
import type { z } from 'zod';
import type { Actor } from '../../../src/engine/handler.js';
import type { BroadcastEvent } from '../../../src/protocol/broadcasts.js';
import type { Command } from '../../../src/protocol/commands/index.js';
import type { Player, Session } from '../../../src/protocol/entities.js';
import type {
  eventSchema,
  gameSchema,
  pastGameSchema,
  trackPointSchema,
} from '../../../src/protocol/game.js';
import { buildDemoCatalogue } from './catalogue.js';
import type { GameDriver, Reply } from './drivers.js';
import {
  accepted,
  east,
  fix,
  HB,
  north,
  refusedWith,
  sealed,
  standingCopy,
  swappedMetres,
  teamOf,
  type TeamView,
} from './world.js';
import { found } from '../../helpers/index.js';

type GameView = z.infer<typeof gameSchema>;
type EventView = z.infer<typeof eventSchema>;
type PastGameView = z.infer<typeof pastGameSchema>;
type TrackPoint = z.infer<typeof trackPointSchema>;

/** Tuesday 16 June 2026 in Zürich (CEST = UTC+2): the instant of a local time of day. */
export const zurich = (hour: number, minute: number, second = 0): number =>
  Date.UTC(2026, 5, 16, hour - 2, minute, second);
export const DAY_START = zurich(8, 30);
const MINUTE = 60_000;

export interface GameDayReport {
  readonly session: number;
  readonly pastGame: PastGameView;
}

/**
 * A whole game day by the rules of docs/rules.md (each step names the rules it checks), on any driver.
 * Everything random (which team catches, which challenges are dealt, their points) is read back from the
 * engine; what the rules fix is asserted exactly.
 */
export async function playGameDay(d: GameDriver): Promise<GameDayReport> {
  const catalogue = await buildDemoCatalogue(d);
  expect(catalogue.challenges.size).toBe(144);
  const zone110 = found(
    [...catalogue.zones.values()].find((z) => z.number === 110),
    'zone 110',
  ).id;

  const admin = async (command: Command, session?: number): Promise<Reply> =>
    await d.call({ command, ...(session === undefined ? {} : { session }) });
  const ok = async <T>(command: Command, session?: number): Promise<T> =>
    accepted<T>(await admin(command, session), command.type);

  // --- Setting up (SESSION-1, PLAYER-1, TEAM-1, TEAM-6, CONFIG-1): session in Zürich time, players,
  // teams, membership, config.
  const session = await ok<Session>({ type: 'session.add', name: 'Züri', timeZone: 'Europe/Zurich' });
  const S = session.id;
  const game = async (command: Command, as?: Actor): Promise<Reply> =>
    await d.call({ command, session: S, ...(as === undefined ? {} : { as }) });
  const teamNames = ['Rote Zora', 'Blaue Blitze', 'Grüne Gurken', 'Gelbe Gefahr'];
  const teams = await Promise.all(
    teamNames.map(async (name) => accepted<TeamView>(await game({ type: 'team.add', name }))),
  );
  const players: Player[] = [];
  for (let i = 0; i < 8; i++) {
    players.push(
      await ok<Player>({
        type: 'player.add',
        name: `P${i}`,
        passphrase: sealed(`pass phrase ${i}`),
        session: S,
      }),
    );
  }
  const members = new Map<number, number[]>();
  for (const [i, player] of players.entries()) {
    const team = teams[i % teams.length] as TeamView;
    accepted(await game({ type: 'team.assign', player: player.id, team: team.id }));
    members.set(team.id, [...(members.get(team.id) ?? []), player.id]);
    d.connectPlayer(player.id, S);
  }
  const asTeam = (team: number, which = 0): Actor => ({
    kind: 'player',
    player: found(
      found(members.get(team), `members of team ${team}`)[which],
      `player ${which} of team ${team}`,
    ),
  });
  accepted(
    await game({
      type: 'config.set',
      // The day's phones report rarely: positions stay fresh enough for a catch for an hour (CATCH-6).
      changes: {
        numCatchers: 1,
        startTime: '09:00',
        endTime: '17:00',
        gracePeriodMinutes: 15,
        catchLocationMaxAgeMinutes: 60,
      },
    }),
  );

  // --- Start at 09:00 local on a weekday (START-1 to START-4, TIME-2).
  await d.advance(zurich(9, 0) - d.now());
  const started = accepted<{ game: GameView; teams: TeamView[] }>(await game({ type: 'game.start' }));
  expect(started.game).toMatchObject({
    name: 'Züri am 2026-06-16',
    startedAt: zurich(9, 0),
    endsAt: zurich(17, 0),
    pausedAt: null,
  });
  const catchers = started.teams.filter((t) => t.role === 'Catcher');
  const runners = started.teams.filter((t) => t.role === 'Runner');
  expect(catchers).toHaveLength(1);
  for (const t of catchers) expect(t).toMatchObject({ points: 500, bounty: 0, offers: [], periodId: 0 });
  for (const t of runners) {
    expect(t).toMatchObject({ points: 0, bounty: 0, zoneId: zone110, sectorId: null, periodId: 0 });
    expect(t.offers).toHaveLength(3);
  }
  const endAlarms = (): { dueAt: number; paused: number | null }[] =>
    [...d.state().tables.timer.values()]
      .filter((t) => t.session === S && t.command.type === 'game.end')
      .map((t) => ({ dueAt: t.dueAt, paused: t.pausedRemainingMs }));
  expect(endAlarms()).toEqual([{ dueAt: zurich(17, 0), paused: null }]);
  expect(d.broadcasts().at(-1)?.event.type).toBe('game.started');

  // While the game runs, teams, membership and config are locked (LOCK-1).
  expect(refusedWith(await game({ type: 'team.add', name: 'Spätzünder' }))).toBe('GAME_IN_PROGRESS');
  expect(
    refusedWith(await game({ type: 'team.assign', player: found(players[0], 'players[0]').id, team: null })),
  ).toBe('GAME_IN_PROGRESS');
  expect(refusedWith(await game({ type: 'config.set', changes: { numCatchers: 2 } }))).toBe(
    'GAME_IN_PROGRESS',
  );
  expect(
    refusedWith(await game({ type: 'team.rename', team: found(teams[0], 'teams[0]').id, name: 'Neu' })),
  ).toBe('GAME_IN_PROGRESS');

  const K = found(catchers[0], 'catchers[0]').id;
  const [R1, R2, R3] = runners.map((t) => t.id) as [number, number, number];

  // --- Locations (LOCATION-1 to LOCATION-5): the catcher at HB; R1 250 m east, R2 400 m north, R3 1 km west.
  await d.advance(zurich(9, 5) - d.now());
  const nearEast = east(HB, 250);
  // The pair is 250 m apart; the reference's swapped axes would have made it ~365 m (refused).
  expect(swappedMetres(HB, nearEast)).toBeGreaterThan(300);
  const send = async (team: number, position: { lat: number; lon: number }): Promise<void> => {
    const r = accepted<{ accepted: boolean }>(
      await game({ type: 'location.send', location: fix(position, d.now()) }, asTeam(team)),
    );
    expect(r.accepted).toBe(true);
  };
  await send(K, HB);
  await send(R1, nearEast);
  await send(R2, north(HB, 400));
  await send(R3, east(HB, -1000));
  const locations = d.broadcasts().filter((b) => b.event.type === 'location');
  expect(locations).toHaveLength(4);
  for (const b of locations) if (b.audience !== undefined) expect(b.audience).toBe('all');

  // --- Completions (COMPLETE-1 to COMPLETE-5): points, bounty +30 % (floor), zone and sector, new
  // hand, period ids.
  await d.advance(zurich(9, 20) - d.now());
  const r1 = teamOf(d.state(), R1);
  const offer = r1.offers[0];
  if (offer === undefined) throw new Error('R1 has no offer');
  // Another team's player cannot complete for R1 (AUTH-3).
  expect(
    refusedWith(
      await game({ type: 'complete', team: R1, challenge: offer.challengeId, periodId: 0 }, asTeam(R2)),
    ),
  ).toBe('UNAUTHORISED');
  const done = accepted<{ period: number; team: TeamView }>(
    await game({ type: 'complete', team: R1, challenge: offer.challengeId, periodId: 0 }, asTeam(R1, 1)),
  );
  expect(done.period).toBe(0);
  expect(done.team).toMatchObject({
    points: offer.points,
    bounty: Math.floor(offer.points * 0.3),
    zoneId: offer.zoneId ?? zone110,
    sectorId: offer.sectorId,
    periodId: 1,
  });
  expect(done.team.offers).toHaveLength(3);
  expect(done.team.offers.map((o) => o.challengeId)).not.toContain(offer.challengeId);
  expect(done.team.periods[0]).toMatchObject({
    index: 0,
    endedAt: zurich(9, 20),
    location: { lat: nearEast.lat, lon: nearEast.lon, timestamp: zurich(9, 20) },
    context: {
      type: 'completed',
      challengeId: offer.challengeId,
      points: offer.points,
      notCompleted: r1.offers.filter((o) => o.challengeId !== offer.challengeId),
    },
  });
  const completedBroadcast = d.broadcasts().find((b) => b.event.type === 'completed')?.event;
  expect(completedBroadcast).toMatchObject({
    type: 'completed',
    team: { id: R1, points: offer.points },
    offer,
  });

  // Too soon, stale and duplicated period ids (PERIOD-2, COMPLETE-3): refused, nothing changes.
  const afterFirst = structuredClone(teamOf(d.state(), R1));
  const next = afterFirst.offers[0]?.challengeId as number;
  const completeR1 = async (periodId: number): Promise<Reply> =>
    await game({ type: 'complete', team: R1, challenge: next, periodId }, asTeam(R1));
  await d.advance(10_000);
  expect(refusedWith(await completeR1(1))).toBe('TOO_RAPID');
  expect(refusedWith(await completeR1(0))).toBe('BAD_DATA'); // the duplicate of the first completion
  expect(refusedWith(await completeR1(5))).toBe('BAD_DATA');
  await d.advance(20_000);
  expect(refusedWith(await completeR1(1))).toBe('TOO_RAPID'); // 30 s is still too soon
  expect(teamOf(d.state(), R1)).toEqual(afterFirst);
  await d.advance(1_000);
  expect(accepted<{ period: number }>(await completeR1(1)).period).toBe(1);
  const secondOffer = found(afterFirst.offers[0], 'an offer after the first completion');
  const bountyR1 = Math.floor(offer.points * 0.3) + Math.floor(secondOffer.points * 0.3);
  expect(teamOf(d.state(), R1)).toMatchObject({
    bounty: bountyR1,
    points: offer.points + secondOffer.points,
  });

  // --- A catch (CATCH-1 to CATCH-6, GRACE-1).
  await d.advance(zurich(9, 30) - d.now());
  // A player's catch carries the phone's position (CATCH-6): here where its team last reported.
  const catchBy = async (catcher: number, caught: number, periodId: number, as?: Actor): Promise<Reply> => {
    const position = fix(teamOf(d.state(), catcher).location ?? HB, d.now());
    return await game({ type: 'catch', catcher, caught, periodId, position }, as ?? asTeam(catcher));
  };
  expect(refusedWith(await catchBy(K, R2, 0))).toBe('TEAMS_TOO_FAR');
  expect(refusedWith(await catchBy(K, R3, 0))).toBe('TEAMS_TOO_FAR');
  expect(refusedWith(await catchBy(K, K, 0))).toBe('BAD_DATA');
  expect(refusedWith(await catchBy(K, R1, 3))).toBe('BAD_DATA');
  expect(refusedWith(await catchBy(R2, R1, 0))).toBe('TEAM_IS_RUNNER');
  expect(refusedWith(await catchBy(K, R1, 0, asTeam(R1)))).toBe('UNAUTHORISED');
  // K's phone reports where it still is, so that the catch's own position is that report again (LOCATION-2)
  // and the undo below finds K exactly as it was.
  const stillAt = fix(teamOf(d.state(), K).location ?? HB, d.now());
  accepted(await game({ type: 'location.send', location: stillAt }, asTeam(K)));
  const beforeCatch = { K: standingCopy(teamOf(d.state(), K)), R1: standingCopy(teamOf(d.state(), R1)) };
  const doCatch = async (): Promise<void> => {
    const caught = accepted<{ period: number; team: TeamView }>(await catchBy(K, R1, 0));
    expect(caught.period).toBe(0);
    expect(caught.team).toMatchObject({
      role: 'Runner',
      points: 500 + bountyR1,
      bounty: 0,
      zoneId: beforeCatch.R1.zoneId,
      sectorId: beforeCatch.R1.sectorId,
      graceUntil: d.now() + 15 * MINUTE,
      periodId: 1,
    });
    expect(caught.team.offers).toHaveLength(3);
    expect(caught.team.periods[0]?.context).toEqual({
      type: 'catcher',
      caughtTeam: R1,
      bounty: bountyR1,
      caughtPeriod: 2,
    });
    expect(teamOf(d.state(), R1)).toMatchObject({
      role: 'Catcher',
      bounty: 0,
      offers: [],
      points: beforeCatch.R1.points,
      zoneId: beforeCatch.R1.zoneId,
    });
    expect(teamOf(d.state(), R1).periods[2]?.context).toEqual({
      type: 'caught',
      catcherTeam: K,
      bounty: bountyR1,
      notCompleted: beforeCatch.R1.offers,
      catcherPeriod: 0,
    });
    const roles = [...d.state().tables.team.values()].filter((t) => t.session === S && t.role === 'Catcher');
    expect(roles.map((t) => t.id)).toEqual([R1]);
    // Bug 8.26: the broadcast carries both teams after the catch, and the bounty that changed hands.
    const b = d.broadcasts().findLast((x) => x.event.type === 'caught')?.event;
    expect(b).toMatchObject({
      catcher: { id: K, role: 'Runner', location: null },
      caught: { id: R1, role: 'Catcher', bounty: 0 },
      bounty: bountyR1,
      catcherPeriod: 0,
      caughtPeriod: 2,
    });
  };
  await doCatch();
  const graceTimers = (): number[] =>
    [...d.state().tables.timer.values()]
      .filter((t) => t.command.type === 'grace.end' && t.command.team === K)
      .map((t) => t.dueAt);
  expect(graceTimers()).toEqual([zurich(9, 45)]);

  // --- Undo of the catch (CORRECTION-2): both teams exactly as before (the trail keeps its points).
  const undone = accepted<{ teams: TeamView[] }>(
    await game({ type: 'correction.undo', team: K, reason: 'wrong team' }),
  );
  expect(undone.teams.map((t) => t.id).sort()).toEqual([K, R1].sort());
  expect(standingCopy(teamOf(d.state(), K))).toEqual(beforeCatch.K);
  expect(standingCopy(teamOf(d.state(), R1))).toEqual(beforeCatch.R1);
  expect(graceTimers()).toEqual([]);
  await doCatch();

  // --- Undo of a completion: K completes 10 s after its catch (allowed: the rate limit is between
  // completions, COMPLETE-3), which ends its grace (GRACE-4); the undo brings grace back exactly.
  await d.advance(10_000);
  const beforeCompletion = standingCopy(teamOf(d.state(), K));
  const kOffer = beforeCompletion.offers[0]?.challengeId as number;
  const mark = d.broadcasts().length;
  accepted(await game({ type: 'complete', team: K, challenge: kOffer, periodId: 1 }, asTeam(K)));
  expect(teamOf(d.state(), K).grace).toBeNull();
  expect(graceTimers()).toEqual([]);
  expect(
    d
      .broadcasts()
      .slice(mark)
      .map((b) => b.event.type),
  ).toEqual(['grace.ended', 'completed']);
  accepted(await game({ type: 'correction.undo', team: K }));
  expect(standingCopy(teamOf(d.state(), K))).toEqual(beforeCompletion);
  expect(graceTimers()).toEqual([zurich(9, 45)]);

  // --- Grace (GRACE-2, VISIBILITY-3): K cannot be caught, and catchers do not learn where it is.
  await d.advance(zurich(9, 31) - d.now());
  expect(refusedWith(await catchBy(R1, K, 3))).toBe('TEAM_IN_GRACE_PERIOD');
  const seenBefore = {
    catcher: d.seenBy(member(members, R1)).length,
    runner: d.seenBy(member(members, R2)).length,
  };
  const hidden = north(HB, 30);
  await send(K, hidden);
  const locationOfK = d.broadcasts().at(-1);
  expect(locationOfK?.event).toMatchObject({ type: 'location', team: K, location: { lat: hidden.lat } });
  if (locationOfK?.audience !== undefined) expect(locationOfK.audience).toEqual({ exceptTeams: [R1] });
  const newFor = (player: number, from: number): BroadcastEvent[] => d.seenBy(player).slice(from);
  expect(newFor(member(members, R1), seenBefore.catcher)).toEqual([]);
  expect(newFor(member(members, R2), seenBefore.runner)).toMatchObject([{ type: 'location', team: K }]);
  const stateAs = async (team: number): Promise<TeamView[]> =>
    accepted<{ teams: TeamView[] }>(await game({ type: 'session.state' }, asTeam(team))).teams;
  expect((await stateAs(R1)).find((t) => t.id === K)?.location).toBeNull();
  expect((await stateAs(R2)).find((t) => t.id === K)?.location).toMatchObject({ lat: hidden.lat });
  const trails = accepted<{ team: number }[]>(await game({ type: 'location.list' }, asTeam(R1)));
  expect(trails.map((t) => t.team)).not.toContain(K);

  // Grace ends by its timer after 15 minutes, and everyone is told (GRACE-4).
  await d.advance(zurich(9, 45) - d.now() - 1);
  expect(teamOf(d.state(), K).grace).not.toBeNull();
  await d.advance(1);
  expect(teamOf(d.state(), K).grace).toBeNull();
  expect(graceTimers()).toEqual([]);
  expect(d.broadcasts().at(-1)?.event).toEqual({ type: 'grace.ended', team: K });
  expect(d.seenBy(member(members, R1)).at(-1)).toEqual({ type: 'grace.ended', team: K });

  // After grace the catch works: R1 (catcher, ~230 m away) catches K, and R1 is in grace now.
  await d.advance(zurich(9, 50) - d.now());
  accepted(await catchBy(R1, K, 3));
  expect(teamOf(d.state(), R1)).toMatchObject({ role: 'Runner', grace: { until: zurich(10, 5) } });

  // --- Pause (PAUSE-1 to PAUSE-3): catch and complete wait; the end alarm and grace move by the pause.
  await d.advance(zurich(10, 0) - d.now());
  accepted(await game({ type: 'clock.pause' }));
  const r1Offer = teamOf(d.state(), R1).offers[0]?.challengeId as number;
  expect(
    refusedWith(await game({ type: 'complete', team: R1, challenge: r1Offer, periodId: 4 }, asTeam(R1))),
  ).toBe('GAME_PAUSED');
  expect(refusedWith(await catchBy(K, R2, 2))).toBe('GAME_PAUSED');
  await d.advance(20 * MINUTE);
  expect(teamOf(d.state(), R1).grace).not.toBeNull(); // its 5 minutes left wait for the resume
  expect(accepted<{ pausedMs: number }>(await game({ type: 'clock.resume' })).pausedMs).toBe(20 * MINUTE);
  expect(endAlarms()).toEqual([{ dueAt: zurich(17, 20), paused: null }]);
  expect(d.state().tables.session.get(S)?.game?.endsAt).toBe(zurich(17, 20));
  expect(teamOf(d.state(), R1).grace?.until).toBe(zurich(10, 25));
  await d.advance(zurich(10, 25) - d.now());
  expect(teamOf(d.state(), R1).grace).toBeNull();

  // --- The end alarm stops the game at the (shifted) end time (STOP-3: `game.ended` reaches clients).
  await d.advance(zurich(17, 20) - d.now() - 1);
  expect(d.state().tables.session.get(S)?.game).not.toBeNull();
  await d.advance(1);
  expect(d.state().tables.session.get(S)?.game).toBeNull();
  expect(endAlarms()).toEqual([]);
  // No timer of the game is left; the retention timer of its archive runs on wall time (PRIVACY-1).
  expect(
    [...d.state().tables.timer.values()].filter((t) => t.session === S).map((t) => t.command.type),
  ).toEqual(['privacy.expire']);
  const ended = d.broadcasts().at(-1)?.event;
  expect(ended).toMatchObject({ type: 'game.ended', reason: 'time', game: { endsAt: zurich(17, 20) } });
  for (const p of players)
    expect(d.seenBy(p.id).at(-1)).toMatchObject({ type: 'game.ended', reason: 'time' });
  expect(refusedWith(await catchBy(K, R2, 2))).toBe('GAME_NOT_RUNNING');

  // --- The past game (PAST-1): real team ids, full timestamps, its session, every period and trail.
  const pastId = (ended as { pastGame: number }).pastGame;
  const past = accepted<PastGameView>(await admin({ type: 'pastGame.get', id: pastId }));
  expect(past).toMatchObject({
    id: pastId,
    session: S,
    name: 'Züri am 2026-06-16',
    startedAt: zurich(9, 0),
    endedAt: zurich(17, 20),
  });
  const live = accepted<{ teams: TeamView[]; events: EventView[] }>(await game({ type: 'session.state' }));
  expect(past.teams.map((t) => t.id)).toEqual(teams.map((t) => t.id));
  for (const team of past.teams) {
    const now = live.teams.find((t) => t.id === team.id) as TeamView;
    expect(team.periods).toEqual(now.periods);
    expect(team).toMatchObject({
      role: now.role,
      points: now.points,
      bounty: now.bounty,
      players: now.players,
    });
    const trail: TrackPoint[] = [...d.state().tables.trackPoint.values()]
      .filter((p) => p.team === team.id)
      .map(({ lat, lon, timestamp }) => ({ lat, lon, timestamp }));
    expect(team.track).toEqual(trail);
    expect(team.track.length).toBeGreaterThan(0);
  }
  expect(past.teams.find((t) => t.id === K)?.periods.map((p) => p.context.type)).toEqual([
    'catcher',
    'caught',
  ]);
  expect(past.teams.find((t) => t.id === R1)?.periods.map((p) => p.context.type)).toEqual([
    'completed',
    'completed',
    'caught',
    'catcher',
  ]);
  // Events: two completions and two catches, oldest first, with full timestamps.
  expect(past.events.map((e) => [e.type, e.team, e.at])).toEqual([
    ['completed', R1, zurich(9, 20)],
    ['completed', R1, zurich(9, 20, 31)],
    ['caught', R1, zurich(9, 30)],
    ['caught', K, zurich(9, 50)],
  ]);
  expect(live.events).toEqual(past.events);
  const list = accepted<{ id: number }[]>(
    await admin({ type: 'pastGame.list', player: found(players[1], 'players[1]').id }),
  );
  expect(list.map((g) => g.id)).toEqual([pastId]);
  return { session: S, pastGame: past };
}

const member = (members: Map<number, number[]>, team: number): number =>
  found(found(members.get(team), `members of team ${team}`)[0], `a player of team ${team}`);
