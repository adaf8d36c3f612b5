import type { Actor } from '../../../src/engine/handler.js';
import type { StepResult } from '../../../src/engine/step.js';
import type { Command } from '../../../src/protocol/commands/index.js';
import type { StepDriver } from '../../game/support/drivers.js';
import { playGameDay, zurich } from '../../game/support/game-day.js';
import { playerOf, setUpSession } from '../../game/support/setup.js';
import { east, fix, HB, sealed } from '../../game/support/world.js';
import { found, theOne } from '../../helpers/index.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SYSTEM: Actor = { kind: 'system' };

/** The step's result; fails loudly when it was refused (a refused step writes nothing and proves nothing). */
function accepted(result: StepResult, what: string): StepResult {
  if (result.outcome.ok === false)
    throw new Error(`${what} was refused: ${result.outcome.error.code} ${result.outcome.error.message}`);
  return result;
}

/** What an accepted, answered step returned. */
function resultOf<T>(result: StepResult, what: string): T {
  const { outcome } = accepted(result, what);
  if (outcome.ok !== true) throw new Error(`${what} was not answered at once`);
  return outcome.result as T;
}

/** A picture job's result for made-up bytes (the engine stores only their description). */
const processed = (digit: string) => {
  const image = { width: 4, height: 4, bytes: 64, mime: 'image/jpeg', sha256: digit.repeat(64) };
  return { ok: true as const, full: image, thumb: { ...image, bytes: 32, sha256: `${digit}f`.repeat(32) } };
};

/**
 * A corpus that runs every command of the protocol the engine answers, on the pure engine: a whole game
 * day (catalogue, teams, start, locations, completions, catches, grace, pause, corrections, the end alarm),
 * then a second session's game (announcements, a refused and an accepted catch, every correction,
 * pictures, a stop), logins, accounts, jobs' results as the runtime sends them back, moving, removing,
 * exporting and erasing players, the retention timers, and the catalogue's edits and deletions.
 */
export async function playCorpus(d: StepDriver): Promise<void> {
  const day = await playGameDay(d);
  const S = day.session;
  const run = (command: Command, session?: number, as?: Actor): StepResult =>
    accepted(d.run(command, session, as), command.type);

  // --- The global part's reads and odds.
  run({ type: 'ping', text: 'Mittagspause' });
  run({ type: 'state.get' });
  run({ type: 'session.list' });
  run({ type: 'player.list' });
  const someone = found(day.pastGame.teams[0]?.players[0], 'a player of the game day');
  run({ type: 'player.get', id: someone });
  run({ type: 'pastGame.list' });
  run({ type: 'server.backup', file: 'corpus.db' });
  run({ type: 'server.backup.done', file: 'corpus.db', totalPages: 3, error: null }, undefined, SYSTEM);
  run({ type: 'audit.list', limit: 10 });
  const row = { seq: 1, at: d.now(), actor: { kind: 'admin' }, session: S, command: { type: 'team.list' } };
  run({ type: 'audit.found', rows: [row], more: false }, undefined, SYSTEM);
  const gm = resultOf<{ id: number }>(
    run({ type: 'gm.add', name: 'Vreni', token: `sha256:${'a'.repeat(64)}` }),
    'gm.add',
  );
  run({ type: 'gm.list' });
  run({ type: 'gm.revoke', id: gm.id });

  // --- Logging in and out (the runtime draws the token; the engine keeps its hash).
  const traveller = resultOf<{ id: number }>(
    run({ type: 'player.add', name: 'Reisende', passphrase: sealed('reisende passphrase'), session: S }),
    'player.add',
  );
  const login = { command: { type: 'auth.login', passphrase: sealed('reisende passphrase') } } as const;
  accepted(d.exec({ ...login, actor: { kind: 'guest' }, session: undefined }, 'f'.repeat(64)), 'auth.login');
  const token = theOne([...d.state().tables.token.values()], (t) => t.player === traveller.id, 'the token');
  run({ type: 'auth.logout' }, undefined, { kind: 'player', player: traveller.id, token: token.id });

  // --- The catalogue's reads and edits (its deletions come last, when no game needs it).
  const tables = d.state().tables;
  const set = found([...tables.challengeSet.values()][0], 'a challenge set');
  const challenge = found([...tables.challenge.values()][0], 'a challenge');
  const zone = found([...tables.zone.values()][0], 'a zone');
  const sector = found([...tables.sector.values()][0], 'a sector');
  run({ type: 'set.edit', id: set.id, name: `${set.name} (neu)` });
  run({ type: 'set.list' });
  run({ type: 'set.get', id: set.id });
  run({ type: 'challenge.edit', id: challenge.id, changes: { title: 'Neu betitelt' } });
  run({ type: 'challenge.list' });
  run({ type: 'challenge.get', id: challenge.id });
  run({ type: 'challenge.preview', zone: zone.id, at: d.now(), seed: 1 });
  run({ type: 'zone.edit', id: zone.id, changes: { mongus: !zone.mongus } });
  run({ type: 'zone.list' });
  run({ type: 'zone.get', id: zone.id });
  run({ type: 'sector.list' });
  run({ type: 'sector.get', id: sector.id });

  await secondGame(d, run, zone.id);
  playersLeave(d, run, S);

  // --- The retention timers of both games fall due (PRIVACY-1).
  await d.advance(31 * DAY);

  // --- The catalogue's deletions, one and all of each kind, in an order no reference refuses.
  const left = d.state().tables;
  run({ type: 'challenge.delete', id: found([...left.challenge.keys()][0], 'a challenge') });
  run({ type: 'challenge.deleteAll' });
  run({ type: 'set.delete', id: found([...left.challengeSet.keys()][0], 'a set') });
  run({ type: 'set.deleteAll' });
  run({ type: 'zone.delete', id: found([...left.zone.keys()][0], 'a zone') });
  run({ type: 'zone.deleteAll' });
  run({ type: 'sector.delete', id: found([...left.sector.keys()][0], 'a sector') });
  run({ type: 'sector.deleteAll' });
  run({ type: 'server.shutdown' });
}

type Run = (command: Command, session?: number, as?: Actor) => StepResult;

/**
 * A second session's game the next morning: renamed, announcements (one cancelled, one delivered by its
 * timer), a catch refused for a stale position (put on record by its own step) and one accepted, every
 * correction, pictures of each kind with the jobs' results as the runtime reports them, and a stop.
 */
async function secondGame(d: StepDriver, run: Run, zone: number): Promise<void> {
  await d.advance(zurich(9, 30) + DAY - d.now());
  const s = await setUpSession(d, { name: 'Bärn', teams: 2, perTeam: 1, config: { numCatchers: 1 } });
  const S = s.session;
  const [first, second] = s.teams as [number, number];
  run({ type: 'session.edit', name: 'Bärn-Süd', timeZone: 'Europe/Zurich' }, S);
  run({ type: 'config.get' }, S);
  run({ type: 'team.rename', team: first, name: 'Rote Bären' }, S);
  run({ type: 'team.setRole', team: second, role: 'Catcher' }, S);
  run({ type: 'team.list' }, S);
  run({ type: 'announcement.schedule', text: 'Hallo Bärn', at: d.now() + MINUTE }, S);
  const later = resultOf<{ id: number }>(
    run({ type: 'announcement.schedule', text: 'Später', at: d.now() + 2 * MINUTE }, S),
    'announcement.schedule',
  );
  run({ type: 'announcement.list' }, S);
  run({ type: 'announcement.cancel', id: later.id }, S);
  run({ type: 'game.start' }, S);
  await d.advance(MINUTE);
  run({ type: 'event.list' }, S);
  const teams = [...d.state().tables.team.values()].filter((t) => t.session === S);
  const catcher = theOne(teams, (t) => t.role === 'Catcher', 'the catcher').id;
  const runner = theOne(teams, (t) => t.role === 'Runner', 'the runner').id;
  const report = (metres: number, at: number): Command => ({
    type: 'location.send',
    location: fix(east(HB, metres), at),
  });
  const catchIt = (): Command => ({
    type: 'catch',
    catcher,
    caught: runner,
    periodId: 0,
    position: fix(east(HB, 100), d.now()),
  });
  run(report(0, d.now() - 8 * MINUTE), S, playerOf(s, runner));
  const stale = d.run(catchIt(), S, playerOf(s, catcher));
  if (stale.outcome.ok !== false) throw new Error('the catch on a stale position was not refused');
  run({ type: 'catch.refusals' }, S);
  // A new position (a repeat of the last one would be ignored, LOCATION-2).
  run(report(20, d.now()), S, playerOf(s, runner));
  run(catchIt(), S, playerOf(s, catcher));
  // The catcher is now a runner in grace; the caught team catches.
  run({ type: 'correction.adjust', team: runner, points: 5 }, S);
  run({ type: 'correction.endGrace', team: catcher }, S);
  run({ type: 'correction.newHand', team: catcher }, S);
  run({ type: 'correction.move', team: catcher, zone }, S);
  pictures(run, found(s.players[0], 'a player'), catcher);
  run({ type: 'game.stop' }, S);
}

/** Pictures of each kind: uploads start jobs, whose results come back as the runtime reports them. */
function pictures(run: Run, player: number, team: number): void {
  const self: Actor = { kind: 'player', player };
  run({ type: 'picture.upload', target: { kind: 'player', player }, data: 'AAAA' }, undefined, self);
  const upload = '00000000-0000-4000-8000-000000000000';
  run(
    { type: 'picture.received', target: { kind: 'team', team }, uploadedBy: null, upload },
    undefined,
    SYSTEM,
  );
  const targets = [
    { kind: 'player', player },
    { kind: 'team', team },
    { kind: 'period', team, period: 0 },
  ] as const;
  const ids = targets.map((target, i) => {
    const command: Command = {
      type: 'picture.processed',
      target,
      uploadedBy: player,
      result: processed(`${i}`),
    };
    return resultOf<{ id: number }>(run(command, undefined, SYSTEM), 'picture.processed').id;
  });
  run({ type: 'picture.get', ids });
  const id = found(ids[0], 'a picture');
  run({ type: 'picture.chunk', id, variant: 'full', offset: 0, length: 16 });
  const chunk = { id, variant: 'full', mime: 'image/jpeg', total: 64, offset: 0, data: '' } as const;
  run({ type: 'picture.read', result: { kind: 'chunk', chunk } }, undefined, SYSTEM);
}

/**
 * Players of the game day leave it: a team removed with its members, one taken off their team and moved
 * to another session, one taken off theirs and removed, one exported and erased (forgotten in the session
 * whose archived game they played in, then erased).
 */
function playersLeave(d: StepDriver, run: Run, S: number): void {
  run({ type: 'config.reset' }, S);
  const teams = [...d.state().tables.team.values()].filter((t) => t.session === S && t.players.length > 0);
  const member = (i: number, what: string): number => found(teams[i]?.players[0], what);
  const other = theOne([...d.state().tables.session.values()], (s) => s.id !== S, 'the other session').id;
  run({ type: 'team.remove', team: found(teams[0], 'a team with players').id }, S);
  // Off their team in the session first, then out of it by the global step (CLUSTER-15).
  const moved = member(1, 'a player to move');
  run({ type: 'team.assign', player: moved, team: null }, S);
  run({ type: 'player.edit', id: moved, session: other });
  const removed = member(2, 'a player to remove');
  run({ type: 'team.assign', player: removed, team: null }, S);
  run({ type: 'player.remove', id: removed });
  const erased = member(3, 'a player to erase');
  run({ type: 'player.export', id: erased });
  // Erasure as the CLI runs it (CLUSTER-17): off the team, forgotten in each session the refusal names.
  run({ type: 'team.assign', player: erased, team: null }, S);
  const refused = d.run({ type: 'player.erase', id: erased }).outcome;
  if (refused.ok !== false || refused.error.code !== 'ERASE_SESSIONS_FIRST')
    throw new Error('player.erase of a player the game day holds was not refused with ERASE_SESSIONS_FIRST');
  for (const session of refused.error.details?.sessions as number[])
    run({ type: 'player.forget', player: erased }, session);
  run({ type: 'player.erase', id: erased });
}
