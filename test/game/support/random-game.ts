import type { TeamRecord } from '../../../src/engine/game/types.js';
import type { Actor } from '../../../src/engine/handler.js';
import { seededRng, type Rng } from '../../../src/engine/rng.js';
import type { EngineState, SessionRecord } from '../../../src/engine/state.js';
import type { Command, CommandOf } from '../../../src/protocol/commands/index.js';
import { haversineMetres } from '../../../src/protocol/geo.js';
import type { Call, GameDriver, Reply } from './drivers.js';
import { StepDriver } from './drivers.js';
import { zurich } from './game-day.js';
import { playerOf, setUpSession, type SessionSetup } from './setup.js';
import { east, fix, HB, north } from './world.js';

const MINUTE = 60_000;

/** One fired command and what the invariants found wrong after it. */
export interface Violation {
  readonly index: number;
  readonly command: string;
  readonly problem: string;
}

/** The game tables, as text: equal exactly when nothing of the game changed. */
function fingerprint(state: EngineState): string {
  const tables = state.tables;
  return JSON.stringify([
    [...tables.session.values()],
    [...tables.player.values()],
    [...tables.team.values()],
    [...tables.position.values()],
    [...tables.timer.values()],
    [...tables.trackPoint.keys()],
    [...tables.pastGame.keys()],
    // A refused catch's record (CATCH-7) is written by a step of its own, not by the refused one.
    { ...state.nextIds, catchRefusal: 0 },
  ]);
}

/** The broadcasts of the game so far, without the game masters' notices of refused catches (CATCH-7). */
const gameBroadcasts = (d: GameDriver): number =>
  d.broadcasts().filter((b) => b.event.type !== 'catch.refused').length;

const teamsIn = (state: EngineState, session: number): TeamRecord[] =>
  [...state.tables.team.values()].filter((t) => t.session === session);

/**
 * Fires `count` random commands — valid and invalid, as the game master and as players, with the clock
 * moving on in between — at a running game and checks the game's invariants after every one. Returns
 * the violations found (none is the expected outcome); the seed makes a run repeatable.
 */
export async function randomGame(d: GameDriver, seed: number, count: number): Promise<Violation[]> {
  const rng = seededRng(seed);
  const teams = rng.int(3, 5);
  const s = await setUpSession(d, {
    teams,
    perTeam: rng.int(1, 2),
    config: { numCatchers: rng.int(1, Math.min(2, teams - 1)) },
  });
  const violations: Violation[] = [];
  await d.call({ command: { type: 'game.start' }, session: s.session });
  for (let index = 0; index < count; index++) {
    const before = d.state();
    const prints = fingerprint(before);
    const teamsBefore = new Map(teamsIn(before, s.session).map((t) => [t.id, structuredClone(t)]));
    const broadcastsBefore = gameBroadcasts(d);
    const action = pick(rng, d, s);
    let reply: Reply | undefined;
    if (action.kind === 'advance') await d.advance(action.ms);
    else reply = await d.call(action.call);
    const found = (problem: string): void => {
      violations.push({ index, command: describe(action), problem });
    };
    const after = d.state();
    if (reply !== undefined && !reply.ok) {
      if (fingerprint(after) !== prints) found(`refused (${reply.error.code}) but the state changed`);
      if (gameBroadcasts(d) !== broadcastsBefore) found(`refused (${reply.error.code}) but broadcast`);
      if (d instanceof StepDriver && (d.last?.writes.length !== 0 || d.last.broadcasts.length !== 0))
        found('a refused step returned writes or broadcasts');
    }
    checkInvariants(
      after,
      s,
      teamsBefore,
      action.kind === 'call' ? { ...action.call, now: d.now() } : undefined,
      reply,
      found,
    );
  }
  return violations;
}

type Action = { kind: 'advance'; ms: number } | { kind: 'call'; call: Call };

const describe = (action: Action): string =>
  action.kind === 'advance' ? `advance ${action.ms} ms` : JSON.stringify(action.call).slice(0, 300);

/**
 * CATCH-6: only a game master overrides; otherwise the catcher's position (sent, or for a game master its
 * team's) and the caught team's location were both fresh enough and at most 300 m apart.
 */
function checkEvidence(
  session: SessionRecord,
  before: ReadonlyMap<number, TeamRecord>,
  command: CommandOf<'catch'>,
  as: Actor | undefined,
  now: number,
  found: (problem: string) => void,
): void {
  if (command.override === true) {
    if (as?.kind === 'player') found('a player overrode the catch evidence');
    return;
  }
  const maxAgeMs = (session.config.catchLocationMaxAgeMinutes ?? 5) * MINUTE;
  const from = command.position ?? (as === undefined ? before.get(command.catcher)?.location : undefined);
  const to = before.get(command.caught)?.location;
  if (from === undefined || from === null || to === null || to === undefined)
    return found('a catch without both positions');
  if (now - from.timestamp > maxAgeMs || now - to.timestamp > maxAgeMs) found('a catch on a stale position');
  if (haversineMetres(from, to) > 300) found(`a catch from ${Math.round(haversineMetres(from, to))} m`);
}

function checkInvariants(
  state: EngineState,
  s: SessionSetup,
  before: ReadonlyMap<number, TeamRecord>,
  call: { command: Command; as?: Actor; now: number } | undefined,
  reply: Reply | undefined,
  found: (problem: string) => void,
): void {
  const command = call?.command;
  const as = call?.as;
  const now = call?.now ?? 0;
  const session = state.tables.session.get(s.session);
  if (session === undefined) return found('the session vanished');
  const teams = teamsIn(state, s.session);
  const accepted = reply?.ok === true;
  // Membership is the teams' member lists (CLUSTER-12): each player of the session in one team at most,
  // and a last report only for a player of the session while its game runs.
  const listed = teams.flatMap((t) => t.players);
  if (new Set(listed).size !== listed.length) found(`a player is listed by two teams: ${listed.join(', ')}`);
  for (const p of listed)
    if (state.tables.player.get(p)?.session !== s.session) found(`team lists player ${p} of another session`);
  for (const position of state.tables.position.values()) {
    if (position.session !== state.tables.player.get(position.id)?.session || session.game === null)
      found(`player ${position.id} has a position of session ${position.session}`);
  }
  // Points and bounties are never negative.
  for (const t of teams)
    if (t.points < 0 || t.bounty < 0) found(`team ${t.id}: ${t.points} points, ${t.bounty} bounty`);
  // Period ids: each team's periods are numbered 0, 1, 2, … in time order.
  for (const t of teams) {
    t.periods.forEach((p, i) => {
      if (p.index !== i) found(`team ${t.id}: period ${i} has index ${p.index}`);
      const previous = t.periods[i - 1];
      if (previous !== undefined && p.endedAt < previous.endedAt)
        found(`team ${t.id}: period ${i} ends earlier`);
    });
  }
  // Periods change only by a catch or completion (+1), an undo (−1) or a start (all gone).
  for (const t of teams) {
    const old = before.get(t.id);
    if (old === undefined) continue;
    const delta = t.periods.length - old.periods.length;
    if (delta === 0) continue;
    const type = accepted ? command?.type : undefined;
    const allowed =
      (delta === 1 && (type === 'catch' || type === 'complete')) ||
      (delta === -1 && type === 'correction.undo') ||
      (type === 'game.start' && t.periods.length === 0);
    if (!allowed)
      found(
        `team ${t.id}: periods ${old.periods.length} → ${t.periods.length} by ${type ?? 'a refusal/timer'}`,
      );
  }
  if (accepted && (command?.type === 'catch' || command?.type === 'complete')) {
    const id = command.type === 'catch' ? command.catcher : command.team;
    const period = (reply.result as { period: number }).period;
    if (period !== before.get(id)?.periods.length) found(`answered period ${period} for a stale team`);
    if (state.tables.team.get(id)?.periods.length !== period + 1)
      found('the period id did not advance by one');
  }
  // A catch keeps the number of catchers, and never takes a team in grace.
  if (accepted && command?.type === 'catch') {
    const catchers = (m: Iterable<TeamRecord>): number => [...m].filter((t) => t.role === 'Catcher').length;
    if (catchers(before.values()) !== catchers(teams)) found('a catch changed the number of catchers');
    const caught = before.get(command.caught);
    if (caught === undefined || caught.grace !== null)
      found(`team ${command.caught} was caught in its grace period`);
    if (caught?.role !== 'Runner' || before.get(command.catcher)?.role !== 'Catcher')
      found('wrong roles in a catch');
    checkEvidence(session, before, command, as, now, found);
  }
  // No hand holds a challenge its team completed.
  for (const t of teams) {
    const completed = new Set(
      t.periods.flatMap((p) => (p.context.type === 'completed' ? [p.context.challengeId] : [])),
    );
    for (const o of t.offers)
      if (completed.has(o.challengeId)) found(`team ${t.id} holds completed challenge ${o.challengeId}`);
  }
  // The end alarm exists exactly while a game runs (and belongs to it).
  const timers = [...state.tables.timer.values()].filter((t) => t.session === s.session);
  const alarms = timers.filter((t) => t.command.type === 'game.end');
  if (session.game === null && alarms.length > 0) found('an end alarm without a game');
  if (session.game !== null) {
    const game = session.game;
    if (alarms.length !== 1 || alarms[0]?.id !== game.endTimer)
      found(`${alarms.length} end alarms for a running game`);
    if (alarms[0]?.command.type === 'game.end' && alarms[0].command.game !== game.id)
      found('the alarm of another game');
  }
  // Grace ⇔ its timer; paused clock ⇔ every timer on the session's game clock paused (a wall-clock
  // timer, PRIVACY-1's retention, never is).
  const graceTimers = timers.filter((t) => t.command.type === 'grace.end');
  for (const t of teams) {
    const mine = graceTimers.filter((g) => g.command.type === 'grace.end' && g.command.team === t.id);
    if (t.grace === null ? mine.length !== 0 : mine.length !== 1 || mine[0]?.id !== t.grace.timer)
      found(`team ${t.id}: grace ${JSON.stringify(t.grace)} with ${mine.length} grace timers`);
  }
  const paused = session.clockPausedAt !== null;
  for (const t of timers) {
    const onGameClock = t.wallClock !== true;
    if ((t.pausedRemainingMs !== null) !== (paused && onGameClock))
      found(`timer ${t.id} ${paused && onGameClock ? 'runs while the clock is paused' : 'is paused'}`);
  }
}

/** A random position within about 500 m of Zürich HB. */
const randomPlace = (rng: Rng): { lat: number; lon: number } =>
  north(east(HB, rng.int(-350, 350)), rng.int(-350, 350));

/** A random next action, mostly plausible (so that games really progress), sometimes wrong on purpose. */
function pick(rng: Rng, d: GameDriver, s: SessionSetup): Action {
  const state = d.state();
  const teams = teamsIn(state, s.session);
  const session = state.tables.session.get(s.session);
  const call = (command: Command, as?: Actor): Action => ({
    kind: 'call',
    call: { command, session: s.session, ...(as === undefined ? {} : { as }) },
  });
  // A new game; when the day's end has passed, the game master first moves the end three hours on.
  const newGame = (): Action => {
    const minutes = Math.floor((d.now() - zurich(0, 0)) / MINUTE) + 180;
    const endTime = `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;
    const late = session?.game === null && d.now() > zurich(16, 0);
    return late && rng.next() < 0.5
      ? call({ type: 'config.set', changes: { endTime } })
      : call({ type: 'game.start' });
  };
  const anyTeam = (): TeamRecord => rng.pick(teams) as TeamRecord;
  const withRole = (role: string): TeamRecord => rng.pick(teams.filter((t) => t.role === role)) ?? anyTeam();
  const periodOf = (t: TeamRecord): number =>
    rng.next() < 0.85 ? t.periods.length : rng.int(0, t.periods.length + 2);
  // Players act for their own team mostly, sometimes for another; the game master acts for anyone.
  const actorFor = (t: TeamRecord): Actor | undefined => {
    const r = rng.next();
    const team = r < 0.9 ? t.id : anyTeam().id;
    // Teams added during the run have no connected players: the game master acts for them.
    return r < 0.3 || s.members.get(team) === undefined ? undefined : playerOf(s, team);
  };
  // Mostly a game runs: a stopped game is soon followed by a new one, a pause by a resume.
  if (session?.game === null && rng.next() < 0.3) return newGame();
  if (session?.clockPausedAt !== null && rng.next() < 0.25) return call({ type: 'clock.resume' });
  const roll = rng.next();
  if (roll < 0.2) {
    const catcher = rng.next() < 0.85 ? withRole('Catcher') : anyTeam();
    const caught = rng.next() < 0.85 ? withRole('Runner') : anyTeam();
    // Evidence (CATCH-6): mostly a position, up to six minutes old; sometimes none, or an override.
    const r = rng.next();
    const position = fix(randomPlace(rng), d.now() - rng.int(0, 6 * MINUTE), rng.int(3, 40));
    const evidence = r < 0.1 ? { override: true } : r < 0.9 ? { position } : {};
    return call(
      { type: 'catch', catcher: catcher.id, caught: caught.id, periodId: periodOf(catcher), ...evidence },
      actorFor(catcher),
    );
  }
  if (roll < 0.4) {
    const team = rng.next() < 0.85 ? withRole('Runner') : anyTeam();
    const offer = rng.pick(team.offers);
    const challenge = offer !== undefined && rng.next() < 0.85 ? offer.challengeId : rng.int(1, 400);
    return call({ type: 'complete', team: team.id, challenge, periodId: periodOf(team) }, actorFor(team));
  }
  if (roll < 0.6) {
    const player = rng.pick(s.players) as number;
    const location = fix(randomPlace(rng), d.now() + rng.int(-20_000, 5_000), rng.int(3, 40));
    return rng.next() < 0.8
      ? call({ type: 'location.send', location }, { kind: 'player', player })
      : call({ type: 'location.send', location, player });
  }
  if (roll < 0.72) return { kind: 'advance', ms: rng.int(0, 20 * MINUTE) };
  if (roll < 0.75) return call({ type: session?.clockPausedAt === null ? 'clock.pause' : 'clock.resume' });
  if (roll < 0.84) {
    const team = anyTeam().id;
    const kind = rng.int(0, 4);
    if (kind === 0) return call({ type: 'correction.undo', team });
    if (kind === 1)
      return call({
        type: 'correction.adjust',
        team,
        points: rng.int(-300, 300),
        bounty: rng.int(-100, 100),
      });
    if (kind === 2) return call({ type: 'correction.endGrace', team });
    if (kind === 3) return call({ type: 'correction.newHand', team });
    return call({ type: 'correction.move', team, zone: rng.int(1, 45) });
  }
  if (roll < 0.85) return call({ type: 'game.stop' });
  if (roll < 0.9) return newGame();
  if (roll < 0.95) {
    const team = anyTeam().id;
    const kind = rng.int(0, 3);
    if (kind === 0 && teams.length < 6) return call({ type: 'team.add', name: `Neu ${rng.hex(3)}` });
    if (kind === 1) return call({ type: 'team.assign', player: rng.pick(s.players) as number, team });
    if (kind === 2) return call({ type: 'config.set', changes: { numCatchers: rng.int(0, 3) } });
    return call({ type: 'team.rename', team, name: `Team ${rng.hex(3)}` }, actorFor(anyTeam()));
  }
  if (roll < 0.97)
    return call({ type: 'team.setRole', team: anyTeam().id, role: rng.next() < 0.5 ? 'Runner' : 'Catcher' });
  // Internal commands are not for the wire, not even for the game master.
  return call({ type: 'grace.end', team: anyTeam().id });
}

const pad = (n: number): string => String(n).padStart(2, '0');
