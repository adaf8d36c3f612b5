import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHILD_PROCESS_TEST_MS,
  closeClients,
  openClient,
  removeTempDirs,
  runCli,
  startTestServer,
  stopTestServers,
  tempDir,
} from '../helpers/index.js';
import { toStateDocument } from '../../src/store/state-json.js';
import { journalInputs } from '../pictures/support.js';
import { playedGame, traces } from '../privacy/support.js';
import { cli, cliJson } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('the CLI for game masters, the audit and privacy', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[AUTH-7] gm add prints a working token once; gm list; gm revoke ends it', async () => {
    const server = await startTestServer();
    const socket = server.socketPath;
    const added = await cliJson<{ id: number; name: string; token: string }>(socket, ['gm', 'add', 'Gianna']);
    expect(added).toMatchObject({ name: 'Gianna', token: expect.stringMatching(/^[\w-]{43}$/) as string });
    // The token works over WebSocket as an admin under that name.
    const session = await runCli(
      ['--url', server.url, '--token', added.token, '--json', 'session', 'add', 'By Gianna'],
      { timeoutMs: 90_000 },
    );
    expect(session.code).toBe(0);
    const listed = await cli(socket, ['gm', 'list']);
    expect(listed.stdout).toMatch(/Gianna/);
    expect(listed.stdout).not.toContain(added.token);
    expect((await cli(socket, ['gm', 'revoke', 'gianna'])).code).toBe(0);
    await expect(openClient({ url: server.url, token: added.token })).rejects.toThrow();
    // [AUTH-9] the audit names her on her command and shows no token.
    const audit = await cli(socket, ['audit']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/gm Gianna\s+session\.add/);
    expect(audit.stdout).not.toContain(added.token);
  });

  it('[PRIVACY-2] [PRIVACY-3] player export writes the JSON; player erase leaves a pseudonym', async () => {
    const server = await startTestServer();
    const socket = server.socketPath;
    const owner = await openClient({ socket });
    const s = await owner.request({ type: 'session.add', name: 'S' });
    const p = await owner.request({
      type: 'player.add',
      name: 'Quirin Zwyssig',
      passphrase: 'q-pass-words',
      session: s.id,
    });
    const out = join(tempDir(), 'quirin.json');
    expect((await cli(socket, ['player', 'export', 'Quirin Zwyssig', '--out', out])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({
      player: { id: p.id, name: 'Quirin Zwyssig' },
    });
    const erased = await cliJson<{ name: string }>(socket, ['player', 'erase', 'Quirin Zwyssig']);
    expect(erased.name).toBe(`Erased player ${p.id}`);
    const audit = await cli(socket, ['audit']);
    expect(audit.stdout).toMatch(/player\.add\s+\(redacted\)/);
    expect(audit.stdout).not.toContain('Quirin');
  });

  it('[CLUSTER-17] player erase of a team member who played: one action of single-part steps; refused, it says nothing was changed', async () => {
    const game = await playedGame();
    const { server, owner, world, player } = game;
    const socket = server.socketPath;
    await owner.request({ type: 'game.start' }, { session: world.session });
    const refused = await cli(socket, ['player', 'erase', String(player)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('GAME_IN_PROGRESS');
    expect(refused.stderr).toContain(`Nothing was changed. \`truinlag player erase ${player}\` again`);
    await owner.request({ type: 'game.stop' }, { session: world.session });

    const erased = await cliJson<{ name: string }>(socket, ['player', 'erase', String(player)]);
    expect(erased.name).toBe(`Erased player ${player}`);
    const audit = await owner.request({ type: 'audit.list' });
    expect(audit.entries.slice(-3).map((e) => e.command)).toEqual([
      'team.assign',
      'player.forget',
      'player.erase',
    ]);
    const state = server.server.runtime.current;
    expect(state.tables.team.teamOf(player)).toBeUndefined();
    expect(traces(Buffer.from(JSON.stringify(toStateDocument(state))), [game.name, game.phone], [])).toEqual(
      [],
    );
    expect(
      traces(Buffer.from(journalInputs(server.dataDir).join('\n')), [game.name, game.coordinate], []),
    ).toEqual([]);
  });
});
