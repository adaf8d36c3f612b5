import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { ResultOf } from '../../src/protocol/commands/index.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  runCli,
  startTestServer,
  stopTestServers,
  type CliRun,
  type TestServer,
} from '../helpers/index.js';
import { cli, gameWindow, seedCatalogue } from './support.js';

/**
 * The CLI with a player's token (over WebSocket, as a phone would connect) against a real server: the
 * commands a player may run find the player's session and team from its welcome and the state it may
 * read, and `location` says which intake rule did not take a position.
 */
let server: TestServer;
let admin: TruinlagClient;
let session: number;
let token: string;

const asPlayer = (args: readonly string[]): Promise<CliRun> =>
  runCli(['--url', server.url, '--token', token, ...args], { timeoutMs: 90_000 });

function succeeded(run: CliRun): string {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await openClient({ socket: server.socketPath });
  await seedCatalogue(admin);
  session = (await admin.request({ type: 'session.add', name: 'Final', timeZone: 'UTC' })).id;
  await admin.request({ type: 'session.add', name: 'Other', timeZone: 'UTC' });
  const inS = { session };
  const teams = await Promise.all(
    ['Alpha', 'Bravo'].map((name) => admin.request({ type: 'team.add', name }, inS)),
  );
  for (const [name, team] of [
    ['Anna', teams[0]],
    ['Ben', teams[0]],
    ['Cleo', teams[1]],
  ] as const) {
    const player = await admin.request({
      type: 'player.add',
      name,
      passphrase: `pass-phrase-${name}`,
      session,
    });
    await admin.request({ type: 'team.assign', player: player.id, team: team?.id ?? 0 }, inS);
  }
  await admin.request({ type: 'config.set', changes: { numCatchers: 1, ...gameWindow() } }, inS);
  const login = await runCli(['--url', server.url, 'login', '--passphrase', 'pass-phrase-Anna']);
  token = succeeded(login).trim();
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const SLOW = 300_000;

describe('truinlag with a player token', () => {
  it(
    'reads its own session without --session, by its name or id, and not another session',
    async () => {
      const state = JSON.parse(succeeded(await asPlayer(['--json', 'state']))) as ResultOf<'session.state'>;
      expect(state.session).toMatchObject({ id: session, name: 'Final' });
      expect(state.teams.map((t) => t.name).sort()).toEqual(['Alpha', 'Bravo']);

      expect(succeeded(await asPlayer(['--session', 'final', 'state']))).toMatch(
        new RegExp(`^session\\s+Final \\(id ${session}\\)`, 'm'),
      );
      const teams = JSON.parse(
        succeeded(await asPlayer(['--json', '--session', String(session), 'team', 'list'])),
      ) as unknown[];
      expect(teams).toHaveLength(2);

      const other = await asPlayer(['--session', 'Other', 'state']);
      expect(other.code).toBe(1);
      expect(other.stderr).toMatch(/^UNAUTHORISED: This player token works in its own session only: "Final"/);
    },
    SLOW,
  );

  it(
    'sends its own location, and is told which intake rule did not take one',
    async () => {
      const t0 = Date.now();
      const at = (seconds: number): string[] => ['--at', new Date(t0 + seconds * 1000).toISOString()];
      const here = ['47.3780', '8.5400'];
      expect(succeeded(await asPlayer(['location', 'Anna', ...here, ...at(0)]))).toMatch(
        /^Anna: not taken: no game is running/,
      );

      await admin.request({ type: 'game.start' }, { session });
      expect(succeeded(await asPlayer(['location', 'Anna', ...here, ...at(1)]))).toBe(
        'Anna: position accepted\n',
      );
      expect(
        JSON.parse(succeeded(await asPlayer(['--json', 'location', 'anna', ...here, ...at(2)]))),
      ).toEqual({
        accepted: false,
        reason: 'same-position',
      });
      expect(succeeded(await asPlayer(['location', 'Anna', ...here, ...at(3)]))).toMatch(
        /^Anna: not taken: the same coordinates as the player's previous position/,
      );
      // A team mate's far less precise fix a moment later (sent by the game master over the local socket).
      const worse = await cli(server.socketPath, [
        '--session',
        'Final',
        'location',
        'Ben',
        '47.3790',
        '8.5400',
        '--accuracy',
        '80',
        ...at(4),
      ]);
      expect(succeeded(worse)).toMatch(/^Ben: not taken: less precise than the team's current position/);

      // A player sends only its own position: the engine refuses another player's.
      const forBen = await asPlayer(['location', 'Ben', '47.3790', '8.5400', ...at(5)]);
      expect(forBen.code).toBe(1);
      expect(forBen.stderr).toMatch(/^UNAUTHORISED: /);
    },
    SLOW,
  );

  it(
    'reads events and trails, with names from the state it may see',
    async () => {
      const trails = JSON.parse(
        succeeded(await asPlayer(['--json', 'locations', 'Anna'])),
      ) as ResultOf<'location.list'>;
      expect(trails).toHaveLength(1);
      expect(trails[0]?.track.length).toBeGreaterThan(0);
      expect(succeeded(await asPlayer(['locations']))).toMatch(/^Alpha\s/m);
      expect(succeeded(await asPlayer(['events']))).toBe('(none)\n');
    },
    SLOW,
  );
});
