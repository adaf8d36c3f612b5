import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { ResultOf } from '../../src/protocol/commands/index.js';
import type { Player, Session } from '../../src/protocol/entities.js';
import {
  closeClients,
  found,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import { cli, cliJson, gameWindow, seedCatalogue } from './support.js';

type Team = ResultOf<'team.list'>[number];

/**
 * A whole game driven through the `truinlag` CLI (a child process per call) against a real server: the
 * catalogue is set up over the client library, everything else by typing what a game master types —
 * session, team and player names, hand positions, zone numbers and sector letters.
 */
let server: TestServer;
let socket: string;
let client: TruinlagClient;

beforeAll(async () => {
  server = await startTestServer();
  socket = server.socketPath;
  client = await openClient({ socket });
  await seedCatalogue(client);
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const SLOW = 600_000;

describe('truinlag game CLI', () => {
  it(
    'plays a game: set-up by name, start, complete by hand position, catch, undo, stop, past games',
    async () => {
      const session = await cliJson<Session>(socket, ['session', 'add', 'Final', '--time-zone', 'UTC']);
      const inFinal = ['--session', 'Final'];

      // Players join the session by its name; teams are created in it.
      const names = ['Anna', 'Ben', 'Cleo', 'Dan'];
      const players = await Promise.all(
        names.map((name) =>
          cliJson<Player>(socket, [...inFinal, 'player', 'add', name, '--passphrase', `pass-phrase-${name}`]),
        ),
      );
      expect(players.map((p) => p.session)).toEqual([session.id, session.id, session.id, session.id]);
      const [alpha, bravo] = await Promise.all([
        cliJson<Team>(socket, [...inFinal, 'team', 'add', 'Alpha']),
        cliJson<Team>(socket, [...inFinal, 'team', 'add', 'Bravo', '--colour', '255,0,0']),
      ]);
      expect(bravo.colour).toEqual({ r: 255, g: 0, b: 0 });

      // Assignment by player and team name (case-insensitive), and out again with --none.
      await Promise.all([
        cliJson(socket, [...inFinal, 'assign', 'anna', 'ALPHA']),
        cliJson(socket, [...inFinal, 'assign', 'Ben', 'Alpha']),
        cliJson(socket, [...inFinal, 'assign', 'Cleo', 'bravo']),
        cliJson(socket, [...inFinal, 'assign', 'Dan', 'Bravo']),
      ]);
      const out = await cliJson<Player>(socket, [...inFinal, 'assign', 'Dan', '--none']);
      expect(out.team).toBeNull();
      const teamsBefore = await client.request({ type: 'team.list' }, { session: session.id });
      const id = (name: string): number => found(players[names.indexOf(name)], `player ${name}`).id;
      expect(teamsBefore.find((t) => t.id === alpha.id)?.players.sort()).toEqual(
        [id('Anna'), id('Ben')].sort(),
      );
      expect(teamsBefore.find((t) => t.id === bravo.id)?.players).toEqual([id('Cleo')]);

      // Config: JSON values, plain text values, a set by name.
      const window = gameWindow();
      const config = await cliJson<ResultOf<'config.get'>>(socket, [
        ...inFinal,
        'config',
        'set',
        'numCatchers=1',
        'challengeSets=Normal',
        `startTime=${window.startTime}`,
        `endTime=${window.endTime}`,
      ]);
      const sets = await client.request({ type: 'set.list' });
      expect(config.overrides).toEqual({
        numCatchers: 1,
        challengeSets: [sets[0]?.id],
        startTime: window.startTime,
        endTime: window.endTime,
      });

      const started = await cliJson<ResultOf<'game.start'>>(socket, [...inFinal, 'start']);
      expect(started.teams.map((t) => t.role).sort()).toEqual(['Catcher', 'Runner']);
      const runner = started.teams.find((t) => t.role === 'Runner') as Team;
      const catcher = started.teams.find((t) => t.role === 'Catcher') as Team;
      expect(runner.offers).toHaveLength(3);
      const runnerPlayer = runner.id === alpha.id ? 'Anna' : 'Cleo';
      const catcherPlayer = runner.id === alpha.id ? 'Cleo' : 'Anna';

      // `team show` numbers the hand the way `complete` takes it.
      const shown = await cli(socket, [...inFinal, 'team', 'show', runner.name]);
      expect(shown.code, shown.stderr).toBe(0);
      runner.offers.forEach((offer, i) => {
        expect(shown.stdout).toMatch(
          new RegExp(`^${i + 1}\\s+${offer.challengeId}\\s+${offer.title}\\s`, 'm'),
        );
      });

      // Complete the second challenge of the hand, naming the team by one of its players.
      const second = runner.offers[1] as Team['offers'][number];
      const completed = await cliJson<ResultOf<'complete'>>(socket, [
        ...inFinal,
        'complete',
        runnerPlayer,
        '2',
      ]);
      expect(completed.period).toBe(0);
      expect(completed.team.points).toBe(second.points);
      const bounty = completed.team.bounty;

      // Both teams' phones report positions ~110 m apart; the catch takes the catcher's period from the state.
      const [here, there] = await Promise.all([
        cliJson<{ accepted: boolean }>(socket, [...inFinal, 'location', runnerPlayer, '47.3780', '8.5400']),
        cliJson<{ accepted: boolean }>(socket, [
          ...inFinal,
          'location',
          catcherPlayer,
          '47.3790',
          '8.5400',
          '--accuracy',
          '5',
        ]),
      ]);
      expect([here.accepted, there.accepted]).toEqual([true, true]);
      // The catcher's own position counts when given (CATCH-6): 1.3 km away, the catch is refused.
      const far = await cli(socket, [
        ...inFinal,
        'catch',
        catcher.name,
        runner.name,
        '--lat',
        '47.3900',
        '--lon',
        '8.5400',
      ]);
      expect(far.code).not.toBe(0);
      expect(far.stderr).toBe('TEAMS_TOO_FAR: The teams are 1335 m apart (at most 300 m).\n');
      const caught = await cliJson<ResultOf<'catch'>>(socket, [
        ...inFinal,
        'catch',
        catcher.name,
        runner.name,
      ]);
      expect(caught.team).toMatchObject({ id: catcher.id, role: 'Runner', points: catcher.points + bounty });
      expect(caught.team.graceUntil).not.toBeNull();

      const events = await cliJson<ResultOf<'event.list'>>(socket, [...inFinal, 'events']);
      expect(events.map((e) => e.type)).toEqual(['completed', 'caught']);
      expect(events[0]).toMatchObject({ team: runner.id, challengeId: second.challengeId });
      expect(events[1]).toMatchObject({ team: runner.id, catcher: catcher.id, bounty });
      expect(events[1]?.location).toMatchObject({ lat: 47.378, lon: 8.54 });

      const trails = await cliJson<ResultOf<'location.list'>>(socket, [
        ...inFinal,
        'locations',
        runner.name,
        '--since',
        new Date(Date.now() - 3_600_000).toISOString(),
      ]);
      expect(trails.map((t) => t.team)).toEqual([runner.id]);
      expect(trails[0]?.track.length).toBeGreaterThan(0);

      // A paused game refuses the catch-back: the code is on stderr and the exit status is not 0.
      expect((await cli(socket, [...inFinal, 'pause'])).code).toBe(0);
      const paused = await cli(socket, [...inFinal, 'catch', runner.name, catcher.name]);
      expect(paused.code).not.toBe(0);
      expect(paused.stdout).toBe('');
      expect(paused.stderr).toMatch(/^GAME_PAUSED: /);
      expect((await cli(socket, [...inFinal, 'resume'])).code).toBe(0);

      // Undo the catch, named by the catcher: both teams stand as before it.
      const undone = await cliJson<ResultOf<'correction.undo'>>(socket, [
        ...inFinal,
        'undo',
        catcher.name,
        '--reason',
        'wrong team',
      ]);
      expect(undone.teams.map((t) => t.id).sort()).toEqual([alpha.id, bravo.id].sort());
      const after = await client.request({ type: 'team.list' }, { session: session.id });
      expect(after.find((t) => t.id === catcher.id)).toMatchObject({
        role: 'Catcher',
        points: catcher.points,
        graceUntil: null,
      });
      expect(after.find((t) => t.id === runner.id)).toMatchObject({ role: 'Runner', bounty, periodId: 1 });
      expect(
        (await client.request({ type: 'event.list' }, { session: session.id })).map((e) => e.type),
      ).toEqual(['completed']);

      // Corrections with zone numbers, sector letters and signed numbers.
      const moved = await cliJson<Team>(socket, [...inFinal, 'move', runner.name, '120', '--sector', 'w']);
      const zones = await client.request({ type: 'zone.list' });
      const sectors = await client.request({ type: 'sector.list' });
      expect(moved.zoneId).toBe(zones.find((z) => z.number === 120)?.id);
      expect(moved.sectorId).toBe(sectors.find((s) => s.name === 'W')?.id);
      const adjusted = await cliJson<Team>(socket, [
        ...inFinal,
        'adjust',
        runner.name,
        '--points',
        '-10',
        '--bounty',
        '+5',
        '--reason',
        'photo unclear',
      ]);
      expect(adjusted).toMatchObject({ points: second.points - 10, bounty: bounty + 5 });

      const stopped = await cliJson<{ pastGame: number }>(socket, [...inFinal, 'stop']);
      const annaGames = await cliJson<ResultOf<'pastGame.list'>>(socket, [
        'past-game',
        'list',
        '--player',
        'Anna',
      ]);
      expect(annaGames.map((g) => g.id)).toEqual([stopped.pastGame]);
      const archived = await cli(socket, ['past-game', 'show', String(stopped.pastGame)]);
      expect(archived.code, archived.stderr).toBe(0);
      expect(archived.stdout).toContain(`Final am `);
      expect(archived.stdout).toMatch(
        new RegExp(`^${runner.id}\\s+${runner.name}\\s+Runner\\s+${second.points - 10}\\s`, 'm'),
      );
      expect(archived.stdout).toContain(`completed "${second.title}"`);
      const past = await client.request({ type: 'pastGame.get', id: stopped.pastGame });
      expect(past.events).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'a name shared by players of two teams is ambiguous; a unique player name finds the team',
    async () => {
      const session = await client.request({ type: 'session.add', name: 'Twins' });
      const inTwins = ['--session', 'Twins'];
      const on = { session: session.id };
      const red = await client.request({ type: 'team.add', name: 'Red' }, on);
      const blue = await client.request({ type: 'team.add', name: 'Blue' }, on);
      const samA = await client.request({
        type: 'player.add',
        name: 'Sam',
        passphrase: 'sam-one-secret',
        session: session.id,
      });
      const samB = await client.request({
        type: 'player.add',
        name: 'Sam',
        passphrase: 'sam-two-secret',
        session: session.id,
      });
      const zoe = await client.request({
        type: 'player.add',
        name: 'Zoe',
        passphrase: 'zoe-one-secret',
        session: session.id,
      });
      await client.request({ type: 'team.assign', player: samA.id, team: red.id }, on);
      await client.request({ type: 'team.assign', player: samB.id, team: blue.id }, on);
      await client.request({ type: 'team.assign', player: zoe.id, team: blue.id }, on);

      const [team, player, json, unique] = await Promise.all([
        cli(socket, [...inTwins, 'team', 'show', 'sam']),
        cli(socket, [...inTwins, 'assign', 'Sam', 'Red']),
        cli(socket, [...inTwins, '--json', 'team', 'show', 'Sam']),
        cliJson<Team>(socket, [...inTwins, 'team', 'show', 'zoe']),
      ]);
      expect(team.code).not.toBe(0);
      expect(team.stdout).toBe('');
      expect(team.stderr).toBe(
        `AMBIGUOUS_DATA: "sam" matches 2 teams: Red (id ${red.id}), Blue (id ${blue.id}). Use the id.\n`,
      );
      expect(player.code).not.toBe(0);
      expect(player.stderr).toBe(
        `AMBIGUOUS_DATA: "Sam" matches 2 players: Sam (id ${samA.id}), Sam (id ${samB.id}). Use the id.\n`,
      );
      expect(json.code).not.toBe(0);
      expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'AMBIGUOUS_DATA' } });
      expect(unique.id).toBe(blue.id);
    },
    SLOW,
  );

  it(
    'engine and CLI errors exit non-zero with CODE: message on stderr',
    async () => {
      const quiet = await client.request({ type: 'session.add', name: 'Quiet' });
      await client.request({ type: 'team.add', name: 'Lonely' }, { session: quiet.id });
      const [noGame, unknownTeam, noSession, unknownField, unknownSession, unknownZone, halfPosition] =
        await Promise.all([
          cli(socket, ['--session', 'Quiet', 'stop']),
          cli(socket, ['--session', 'quiet', 'team', 'show', 'Nobody']),
          cli(socket, ['team', 'list']),
          cli(socket, ['--session', 'Quiet', 'config', 'set', 'numCatcher=2']),
          cli(socket, ['--session', 'Nowhere', 'events']),
          cli(socket, ['--session', 'Quiet', 'move', 'Lonely', '999']),
          cli(socket, ['--session', 'Quiet', 'catch', 'Lonely', 'Lonely', '--lat', '47.4']),
        ]);
      const runs = [noGame, unknownTeam, noSession, unknownField, unknownSession, unknownZone, halfPosition];
      for (const run of runs) {
        expect(run.code).not.toBe(0);
        expect(run.stdout).toBe('');
      }
      expect(noGame.stderr).toBe('GAME_NOT_RUNNING: No game is running.\n');
      expect(unknownTeam.stderr).toMatch(/^NOT_FOUND: No team "Nobody"/);
      expect(noSession.stderr).toMatch(/^NO_SESSION_SUPPLIED: /);
      expect(unknownField.stderr).toMatch(/^INVALID: Unknown config field "numCatcher"/);
      expect(unknownSession.stderr).toMatch(/^NOT_FOUND: No session "Nowhere"/);
      expect(unknownZone.stderr).toBe('NOT_FOUND: No zone with number 999.\n');
      expect(halfPosition.stderr).toBe('INVALID: Give both --lat and --lon (decimal degrees), or neither.\n');
    },
    SLOW,
  );

  it(
    'players and sessions are edited by name; state shows a session with --session and everything without',
    async () => {
      const home = await client.request({ type: 'session.add', name: 'Home' });
      const away = await client.request({ type: 'session.add', name: 'Away' });
      const team = await client.request({ type: 'team.add', name: 'Locals' }, { session: home.id });
      const eve = await client.request({
        type: 'player.add',
        name: 'Eve',
        passphrase: 'eve-pass-secret',
        session: home.id,
      });
      await client.request({ type: 'team.assign', player: eve.id, team: team.id }, { session: home.id });

      const edited = await cliJson<Player>(socket, [
        '--session',
        'away',
        'player',
        'edit',
        'eve',
        '--name',
        'Eva',
        '--phone',
        '+41 79 000 00 00',
      ]);
      expect(edited).toMatchObject({
        id: eve.id,
        name: 'Eva',
        phone: '+41 79 000 00 00',
        session: away.id,
        team: null,
      });
      const [renamed, state, global] = await Promise.all([
        cliJson<Session>(socket, ['--session', 'Away', 'session', 'edit', '--name', 'Abroad']),
        cliJson<ResultOf<'session.state'>>(socket, ['--session', 'Home', 'state']),
        cliJson<ResultOf<'state.get'>>(socket, ['state']),
      ]);
      expect(renamed).toMatchObject({ id: away.id, name: 'Abroad' });
      expect(state.session.id).toBe(home.id);
      expect(state.teams.map((t) => t.name)).toEqual(['Locals']);
      expect(state.teams[0]?.players).toEqual([]);
      expect(global.sessions.map((s) => s.id)).toContain(home.id);
      expect(global.players.find((p) => p.id === eve.id)?.name).toBe('Eva');

      // In order: the listing must see Eva in Abroad before she leaves it.
      const listed = await cliJson<Player[]>(socket, ['--session', 'Abroad', 'player', 'list']);
      const left = await cliJson<Player>(socket, ['player', 'edit', 'Eva', '--no-phone', '--no-session']);
      expect(listed.map((p) => p.id)).toEqual([eve.id]);
      expect(left).toMatchObject({ phone: null, session: null });
      const removed = await cliJson<Player>(socket, ['player', 'remove', String(eve.id)]);
      expect(removed.removed).toBe(true);
    },
    SLOW,
  );
  it(
    '[CLUSTER-15][PLAYER-4] player edit and remove take a player off their team first, and say so when the second step is refused',
    async () => {
      const session = await client.request({ type: 'session.add', name: 'Leaving', timeZone: 'UTC' });
      const on = { session: session.id };
      const team = await client.request({ type: 'team.add', name: 'Stayers' }, on);
      const add = async (name: string): Promise<Player> => {
        const player = await client.request({
          type: 'player.add',
          name,
          passphrase: `${name}-pass-secret`,
          session: session.id,
        });
        await client.request({ type: 'team.assign', player: player.id, team: team.id }, on);
        return player;
      };
      const [finn, gina] = [await add('Finn'), await add('Gina')];
      const teamOf = async (id: number) => (await client.request({ type: 'player.get', id })).team;

      // The second step is refused (a weak passphrase): the first was done, and the error says how to undo it.
      const refused = await cli(socket, ['player', 'edit', 'Finn', '--no-session', '--passphrase', 'abcdef']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('INVALID: ');
      expect(refused.stderr).toContain(
        `Finn was taken off their team first and is now on none: \`truinlag --session ${session.id} assign ${finn.id} ${team.id}\` puts them back.`,
      );
      expect(await teamOf(finn.id)).toBeNull();
      const back = await cli(socket, [
        '--session',
        String(session.id),
        'assign',
        String(finn.id),
        String(team.id),
      ]);
      expect(back.code, back.stderr).toBe(0);
      expect(await teamOf(finn.id)).toBe(team.id);

      const moved = await cliJson<Player>(socket, ['player', 'edit', 'Finn', '--no-session']);
      expect(moved).toMatchObject({ id: finn.id, session: null, team: null });
      const removed = await cliJson<Player>(socket, ['player', 'remove', 'Gina']);
      expect(removed).toMatchObject({ id: gina.id, removed: true, team: null });
      expect((await client.request({ type: 'team.list' }, on))[0]?.players).toEqual([]);
    },
    SLOW,
  );
  it(
    '[LOCK-1] during a game: config locked unless --override, config get/reset, role, grace end, new hand; rename after',
    async () => {
      const session = await client.request({ type: 'session.add', name: 'Running', timeZone: 'UTC' });
      const on = { session: session.id };
      const inRunning = ['--session', 'Running'];
      const north = await client.request({ type: 'team.add', name: 'North' }, on);
      const south = await client.request({ type: 'team.add', name: 'South' }, on);
      const sets = await client.request({ type: 'set.list' });
      await client.request(
        {
          type: 'config.set',
          changes: { numCatchers: 1, challengeSets: [found(sets[0], 'a challenge set').id], ...gameWindow() },
        },
        on,
      );
      const started = await client.request({ type: 'game.start' }, on);
      const catcher = started.teams.find((t) => t.role === 'Catcher') as Team;
      const runner = started.teams.find((t) => t.role === 'Runner') as Team;
      // Nobody has a location: refused, unless the game master overrides the position check (CATCH-6).
      const catchCli = (...extra: string[]) =>
        cli(socket, [...inRunning, 'catch', catcher.name, runner.name, ...extra]);
      expect((await catchCli()).stderr).toMatch(/^CATCHER_LOCATION_MISSING: /);
      expect((await catchCli('--override')).code).toBe(0);

      const [locked, field, ended, dealt, removeLocked] = await Promise.all([
        cli(socket, [...inRunning, 'config', 'set', 'gracePeriodMinutes=20']),
        cliJson<{ field: string; value: unknown; overridden: boolean }>(socket, [
          ...inRunning,
          'config',
          'get',
          'numcatchers',
        ]),
        cliJson<Team>(socket, [...inRunning, 'grace', 'end', catcher.name, '--reason', 'they were seen']),
        cli(socket, [...inRunning, 'hand', runner.name]),
        cli(socket, [...inRunning, 'team', 'remove', 'North']),
      ]);
      expect(locked.code).not.toBe(0);
      expect(locked.stderr).toMatch(/^GAME_IN_PROGRESS: /);
      expect(field).toEqual({ field: 'numCatchers', value: 1, overridden: true });
      expect(ended).toMatchObject({ id: catcher.id, role: 'Runner', graceUntil: null });
      // The caught team is a catcher now: catchers hold no hand.
      expect(dealt.code).not.toBe(0);
      expect(dealt.stderr).toMatch(/^TEAM_IS_CATCHER: /);
      expect(removeLocked.stderr).toMatch(/^GAME_IN_PROGRESS: /);

      const overridden = await cliJson<ResultOf<'config.set'>>(socket, [
        ...inRunning,
        'config',
        'set',
        'gracePeriodMinutes=20',
        '--override',
      ]);
      expect(overridden.overrides.gracePeriodMinutes).toBe(20);
      const reset = await cliJson<ResultOf<'config.reset'>>(socket, [
        ...inRunning,
        'config',
        'reset',
        'gracePeriodMinutes',
        'numCatchers',
        '--override',
      ]);
      expect(Object.keys(reset.overrides).sort()).toEqual(['challengeSets', 'endTime', 'startTime']);

      const [role, hand, renameLocked] = await Promise.all([
        cliJson<Team>(socket, [...inRunning, 'team', 'role', runner.name, 'runner']),
        cliJson<Team>(socket, [...inRunning, 'hand', catcher.name]),
        cli(socket, [...inRunning, 'team', 'rename', 'North', 'Nord']),
      ]);
      expect(role).toMatchObject({ id: runner.id, role: 'Runner' });
      expect(hand.offers).toHaveLength(3);
      expect(renameLocked.stderr).toMatch(/^GAME_IN_PROGRESS: /);
      const shown = await cli(socket, ['session', 'show', 'running']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^game\s+Running am /m);
      expect(shown.stdout).toMatch(new RegExp(`^${north.id}\\s+North\\s+Runner\\s`, 'm'));
      expect(shown.stdout).toMatch(new RegExp(`^${south.id}\\s+South\\s+Runner\\s`, 'm'));

      await client.request({ type: 'game.stop' }, on);
      const renamed = await cliJson<Team>(socket, [...inRunning, 'team', 'rename', String(north.id), 'Nord']);
      expect(renamed).toMatchObject({ id: north.id, name: 'Nord' });
    },
    SLOW,
  );
});
