import type { TruinlagClient } from '../../../src/client/node.js';
import type { Command } from '../../../src/protocol/commands/index.js';
import { TruinlagError } from '../../../src/client/errors.js';
import { buildDemoCatalogue } from '../../game/support/catalogue.js';
import type { GameDriver, Reply } from '../../game/support/drivers.js';
import { openClient } from '../../helpers/clients.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import type { ServerConfigInput } from '../../../src/server/config.js';
import { webApp } from '../../../src/server/web-app.js';
import { builtWebApp } from '../../web/built-app.js';
import type { Browser } from 'playwright-core';
import { logIn, openPhone, type TestPhone } from './phones.js';

export interface GameServer {
  readonly server: TestServer;
  /** The app's address: http://127.0.0.1:<port>. */
  readonly base: string;
  /** The game master's connection (the local socket). */
  readonly admin: TruinlagClient;
  readonly session: number;
  readonly teams: readonly { readonly id: number; readonly name: string; readonly passphrase: string }[];
}

/**
 * A real server on port 0 serving the built app, with the zvv-demo catalogue (made through the engine's
 * own commands) and a session of teams with one player each, not started yet. `config` changes the
 * server's settings (limits) from the tests' defaults.
 */
export async function startGameServer(
  teamNames: readonly string[],
  config: Omit<ServerConfigInput, 'dataDir'> = {},
): Promise<GameServer> {
  builtWebApp();
  const server = await startTestServer({ staticApp: webApp({ tileUrl: null }), config });
  const admin = await openClient({ socket: server.socketPath });
  await buildDemoCatalogue(clientDriver(server, admin));
  const session = await admin.request({ type: 'session.add', name: 'Züri', timeZone: 'Europe/Zurich' });
  const teams = [];
  for (const [i, name] of teamNames.entries()) {
    const passphrase = `phone ${i} ${name} passphrase`;
    const player = await admin.request({
      type: 'player.add',
      name: `Player ${name}`,
      passphrase,
      session: session.id,
    });
    const team = await admin.request({ type: 'team.add', name }, { session: session.id });
    await admin.request({ type: 'team.assign', player: player.id, team: team.id }, { session: session.id });
    teams.push({ id: team.id, name, passphrase });
  }
  return { server, base: server.url.replace('ws://', 'http://'), admin, session: session.id, teams };
}

/**
 * Starts the game with `catchers` catcher teams, on a game day around the current time in Zürich (it
 * began an hour ago and ends in three), so that the real clock the browser reads fits the game.
 */
export async function startGame(game: GameServer, options: { catchers: number; graceMinutes?: number }) {
  const hhmm = (offsetMinutes: number): string =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Zurich',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(Date.now() + offsetMinutes * 60_000);
  await game.admin.request(
    {
      type: 'config.set',
      changes: {
        numCatchers: options.catchers,
        startTime: hhmm(-60),
        endTime: hhmm(180),
        ...(options.graceMinutes === undefined ? {} : { gracePeriodMinutes: options.graceMinutes }),
      },
    },
    { session: game.session },
  );
  return game.admin.request({ type: 'game.start' }, { session: game.session });
}

/** Zürich HB, where the e2e phones stand unless a test moves them. */
export const HB = { latitude: 47.3779, longitude: 8.5403 } as const;

/**
 * Two teams, Rot and Blau, in a started game with one catcher team, and a phone of the runner team's
 * player at HB, logged in and showing its hand. `config` changes the server's settings (limits).
 */
export async function runnerOnPhone(
  browser: Browser,
  config: Omit<ServerConfigInput, 'dataDir'> = {},
): Promise<{ game: GameServer; phone: TestPhone; runner: GameServer['teams'][number] }> {
  const game = await startGameServer(['Rot', 'Blau'], config);
  const started = await startGame(game, { catchers: 1 });
  const runnerId = started.teams.find((t) => t.role === 'Runner')?.id;
  const runner = game.teams.find((t) => t.id === runnerId);
  if (runner === undefined) throw new Error('no runner team');
  const phone = await openPhone(browser, game.base, { position: HB });
  await logIn(phone, runner.passphrase);
  await phone.page.getByRole('heading', { name: 'Your challenges' }).waitFor();
  return { game, phone, runner };
}

/** The buildDemoCatalogue driver over a real admin connection (the dashboard test uses it too). */
export function clientDriver(server: TestServer, admin: TruinlagClient): GameDriver {
  const call = async ({ command, session }: { command: Command; session?: number }): Promise<Reply> => {
    try {
      return { ok: true, result: await admin.request(command, session === undefined ? {} : { session }) };
    } catch (error) {
      if (!(error instanceof TruinlagError)) throw error;
      return { ok: false, error: { code: error.code as never, message: error.message } };
    }
  };
  const unused = (): never => {
    throw new Error('not used by buildDemoCatalogue');
  };
  return {
    name: 'e2e admin client',
    now: () => Date.now(),
    call,
    callAll: (calls) => Promise.all(calls.map(call)),
    state: () => server.server.runtime.current,
    advance: unused,
    broadcasts: unused,
    connectPlayer: unused,
    seenBy: unused,
  };
}

/** How many challenges a team has completed, as the engine's state says now (-1: no such team). */
export const completionsOf = (game: GameServer, team: number): number =>
  game.server.server.runtime.current.tables.team
    .get(team)
    ?.periods.filter((p) => p.context.type === 'completed').length ?? -1;
