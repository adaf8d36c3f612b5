import { InvalidArgumentError } from 'commander';
import type { LocationRefusal } from '../../protocol/commands/game.js';
import type { CommandOf } from '../../protocol/commands/index.js';
import { CliError, type GlobalOptions } from '../connection.js';
import type { CliContext } from '../program.js';
import { printResult } from '../output.js';
import {
  isPlayerConnection,
  localTime,
  parseTime,
  printSections,
  sessionCall,
  show,
  withConnection,
  withSession,
} from './call.js';
import { eventRow, gameRecord, teamRow } from './render.js';
import { resolveOffer } from './resolve.js';

/**
 * Running a game in the --session session: `start`, `stop`, `pause`, `resume` (the game clock), and
 * acting for teams as a game master: `catch`, `complete`, `location`; reading: `events`, `locations`.
 * `catch` and `complete` name the period from the state unless `--period` is given; `catch` sends the
 * catcher's position or an override of the position check (CATCH-6).
 */
export function registerPlayCommands({ program, globals, int }: CliContext): void {
  program
    .command('start')
    .description('start the game: catchers drawn, runners dealt hands, end alarm armed')
    .action(() =>
      withSession(globals(), async (call) => {
        const started = await call.request({ type: 'game.start' });
        if (globals().json === true) return show(globals(), started, () => started);
        const names = await call.names();
        printSections([
          { value: gameRecord({ ...started.game }, names.timeZone) },
          { title: 'teams:', value: started.teams.map((t) => teamRow(t, names)) },
        ]);
      }),
    );

  program
    .command('stop')
    .description('stop the running game and archive it as a past game')
    .action(() =>
      withSession(globals(), async (call) => {
        const stopped = await call.request({ type: 'game.stop' });
        show(globals(), stopped, () => `game stopped; past game ${stopped.pastGame}`);
      }),
    );

  program
    .command('pause')
    .description("pause the session's game clock (end alarm and grace periods stop counting down)")
    .action(() =>
      withSession(globals(), async (call) => {
        const paused = await call.request({ type: 'clock.pause' });
        const { session } = await call.state();
        show(globals(), paused, () => `paused at ${localTime(paused.pausedAt, session.timeZone)}`);
      }),
    );

  program
    .command('resume')
    .description("resume the session's game clock")
    .action(() =>
      withSession(globals(), async (call) => {
        const resumed = await call.request({ type: 'clock.resume' });
        show(globals(), resumed, () => `resumed after ${Math.round(resumed.pausedMs / 1000)} s`);
      }),
    );

  program
    .command('catch <catcher> <caught>')
    .description(
      'report that a catcher team caught a runner team (teams by name, id or player name); checked against ' +
        "the catcher's position (--lat/--lon, else its team's latest location) unless --override",
    )
    .option('--period <n>', "the catcher's period id (default: its current one)", int)
    .option('--lat <degrees>', "the catcher's latitude now")
    .option('--lon <degrees>', "the catcher's longitude now")
    .option('--accuracy <metres>', 'accuracy radius of --lat/--lon in metres (default 10)', metres)
    .option('--override', "catch without the position check (recorded in the server's journal)")
    .action((catcherRef: string, caughtRef: string, o: CatchOptions) =>
      withSession(globals(), async (call) => {
        const position = catcherPosition(o);
        const [catcher, caught] = await Promise.all([call.team(catcherRef), call.team(caughtRef)]);
        const result = await call.request({
          type: 'catch',
          catcher: catcher.id,
          caught: caught.id,
          periodId: o.period ?? catcher.periodId,
          ...(position === undefined ? {} : { position }),
          ...(o.override === true ? { override: true } : {}),
        });
        const { team } = result;
        const { session } = await call.state();
        show(globals(), result, () => ({
          caught: caught.name,
          by: catcher.name,
          bounty: caught.bounty,
          [`${team.name} now`]:
            `${team.role}, ${team.points} points` +
            (team.graceUntil === null ? '' : `, grace until ${localTime(team.graceUntil, session.timeZone)}`),
          period: result.period,
        }));
      }),
    );

  program
    .command('complete <team> <challenge>')
    .description(
      'report that a team completed a challenge of its hand: its position 1–3 as `team show` lists it, ' +
        'its catalogue id, or its title (pos:N / id:N when a number could be either)',
    )
    .option('--period <n>', "the team's period id (default: its current one)", int)
    .action((teamRef: string, challengeRef: string, o: { period?: number }) =>
      withSession(globals(), async (call) => {
        const team = await call.team(teamRef);
        const offer = resolveOffer(team, challengeRef);
        const result = await call.request({
          type: 'complete',
          team: team.id,
          challenge: offer.challengeId,
          periodId: o.period ?? team.periodId,
        });
        show(globals(), result, () => ({
          team: team.name,
          completed: offer.title,
          points: offer.points,
          total: result.team.points,
          bounty: result.team.bounty,
          period: result.period,
          'new hand': result.team.offers.map((x, i) => `${i + 1}. ${x.title} (${x.points})`).join('; '),
        }));
      }),
    );

  program
    .command('location <player> <lat> <lon>')
    .description("send a player's position as if from their phone (player by name or id)")
    .option('--accuracy <metres>', 'accuracy radius in metres (default 10)', metres)
    .option('--at <iso>', 'when the position was taken (default: now)')
    .action((playerRef: string, lat: string, lon: string, o: { accuracy?: number; at?: string }) =>
      withSession(globals(), async (call) => {
        const player = await call.player(playerRef);
        const result = await call.request({
          type: 'location.send',
          player: player.id,
          location: position(
            coordinate(lat, 'LAT'),
            coordinate(lon, 'LON'),
            o.accuracy,
            o.at === undefined ? Date.now() : parseTime(o.at, '--at'),
          ),
        });
        show(globals(), result, () =>
          result.accepted
            ? `${player.name}: position accepted`
            : `${player.name}: not taken: ${NOT_TAKEN[result.reason]}`,
        );
      }),
    );

  program
    .command('events')
    .description("the session's completions and catches, oldest first")
    .action(() =>
      withSession(globals(), async (call) => {
        const [events, names] = await Promise.all([call.request({ type: 'event.list' }), call.names()]);
        show(globals(), events, () => events.map((e) => eventRow(e, names)));
      }),
    );

  program
    .command('locations [team]')
    .description("the teams' trails (or one team's), optionally only since a time")
    .option('--since <iso>', 'only points from this time on (ISO 8601)')
    .action((teamRef: string | undefined, o: { since?: string }) =>
      withSession(globals(), async (call) => {
        const team = teamRef === undefined ? undefined : await call.team(teamRef);
        const [trails, names] = await Promise.all([
          call.request({
            type: 'location.list',
            ...(team === undefined ? {} : { team: team.id }),
            ...(o.since === undefined ? {} : { since: parseTime(o.since, '--since') }),
          }),
          call.names(),
        ]);
        show(globals(), trails, () =>
          trails.flatMap((trail) =>
            trail.track.map((p) => ({
              team: names.team(trail.team),
              at: localTime(p.timestamp, names.timeZone),
              lat: p.lat,
              lon: p.lon,
            })),
          ),
        );
      }),
    );
}

/**
 * `state`: with --session, or on a player's connection, that session's state (teams, players, events);
 * otherwise the global state.
 */
export function stateCommand(options: GlobalOptions): Promise<void> {
  return withConnection(options, async (client) => {
    if (options.session === undefined && !isPlayerConnection(client))
      return printResult(await client.request({ type: 'state.get' }), options.json === true);
    const call = await sessionCall(client, options.session);
    const state = await call.state();
    if (options.json === true) return show(options, state, () => state);
    const names = await call.names();
    printSections([
      {
        value: {
          session: `${state.session.name} (id ${state.session.id})`,
          ...gameRecord(state.game, state.session.timeZone),
        },
      },
      { title: 'teams:', value: state.teams.map((t) => teamRow(t, names)) },
      { title: 'events:', value: state.events.map((e) => eventRow(e, names)) },
    ]);
  });
}

/** What each intake rule that did not take a position means, for the person who sent it. */
const NOT_TAKEN: Record<LocationRefusal, string> = {
  'no-game': 'no game is running in the session (positions are only recorded during a game)',
  'same-position': "the same coordinates as the player's previous position",
  'not-newer': "no newer than the player's last recorded position (a repeat, or a phone clock gone back)",
  older: "older than the team's current position (a team-mate's phone sent a newer one)",
  'less-precise': "less precise than the team's current position, which is too recent to be replaced",
};
interface CatchOptions {
  period?: number;
  lat?: string;
  lon?: string;
  accuracy?: number;
  override?: boolean;
}

/** The position `catch` sends for the catcher: none without --lat/--lon, which come together. */
function catcherPosition(o: CatchOptions): CommandOf<'location.send'>['location'] | undefined {
  if (o.lat === undefined && o.lon === undefined) return undefined;
  if (o.lat === undefined || o.lon === undefined)
    throw new CliError('INVALID', 'Give both --lat and --lon (decimal degrees), or neither.');
  return position(coordinate(o.lat, '--lat'), coordinate(o.lon, '--lon'), o.accuracy, Date.now());
}

/** A position as a phone reports it (no heading or speed), 10 m accurate unless said otherwise. */
function position(
  lat: number,
  lon: number,
  accuracy: number | undefined,
  timestamp: number,
): CommandOf<'location.send'>['location'] {
  return { lat, lon, accuracy: accuracy ?? 10, heading: null, speed: null, timestamp };
}

function metres(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('not a number');
  return value;
}

function coordinate(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new CliError('INVALID', `${what} "${text}" is not a number (decimal degrees, e.g. 47.378).`);
  return value;
}
