import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionSchema } from '../../src/protocol/entities.js';
import {
  removeTempDirs,
  runCli,
  startTestServer,
  stopTestServers,
  type TestServer,
  CHILD_PROCESS_TEST_MS,
} from '../helpers/index.js';

/** The `truinlag` CLI as a child process against a running server. */
let server: TestServer;
let overSocket: string[];
let overWs: string[];

beforeAll(async () => {
  server = await startTestServer();
  overSocket = ['--socket', server.socketPath];
  overWs = ['--url', server.url, '--token', server.adminToken];
});

afterAll(async () => {
  await stopTestServers();
  removeTempDirs();
});

describe('truinlag CLI', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('--json session add prints the created session; --json session list prints every session', async () => {
    const added = await runCli([...overSocket, '--json', 'session', 'add', 'X']);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const session: unknown = JSON.parse(added.stdout);
    expect(sessionSchema.safeParse(session).success).toBe(true);
    expect(session).toMatchObject({ id: 1, name: 'X', mode: 'Traditional', timeZone: 'Europe/Zurich' });

    const second = await runCli([
      ...overWs,
      '--json',
      'session',
      'add',
      'Y',
      '--mode',
      'Gfrorefurz',
      '--time-zone',
      'Asia/Tokyo',
    ]);
    expect(second.code).toBe(0);
    const secondSession: unknown = JSON.parse(second.stdout);
    expect(secondSession).toMatchObject({ id: 2, name: 'Y', mode: 'Gfrorefurz', timeZone: 'Asia/Tokyo' });

    const listed = await runCli([...overSocket, '--json', 'session', 'list']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([session, secondSession]);
    // The output is exactly one JSON document.
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('an error exits non-zero with "CODE: message" on stderr and nothing on stdout', async () => {
    const duplicate = await runCli([...overSocket, 'session', 'add', 'Dup']);
    expect(duplicate.code).toBe(0);
    const again = await runCli([...overSocket, 'session', 'add', 'Dup']);
    expect(again.code).not.toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('ALREADY_EXISTS: A session named "Dup" already exists.\n');

    const zone = await runCli([...overWs, 'session', 'add', 'Z', '--time-zone', 'Mars/Base']);
    expect(zone.code).not.toBe(0);
    expect(zone.stderr).toMatch(/^INVALID: .*Mars\/Base/);
  });

  it('with --json an error is one JSON document on stderr', async () => {
    const result = await runCli([
      ...overSocket,
      '--json',
      'player',
      'add',
      'P',
      '--passphrase',
      'pw-one-two-three',
      '--session',
      '99',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'NOT_FOUND', message: 'No session with id 99.' },
    });
  });

  it('without a server it fails with a client error code', async () => {
    const result = await runCli(['--socket', `${server.dataDir}/nobody.sock`, 'ping']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^DISCONNECTED: /);
  });

  it('a wrong admin token over WebSocket is refused', async () => {
    const result = await runCli(['--url', server.url, '--token', 'wrong', 'state']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^UNAUTHORISED: /);
  });

  it('ping prints pong with the text, and player add never echoes the passphrase', async () => {
    const ping = await runCli([...overSocket, 'ping', 'hi']);
    expect(ping).toEqual({ code: 0, signal: null, stdout: 'pong hi\n', stderr: '' });
    const player = await runCli([
      ...overSocket,
      '--json',
      'player',
      'add',
      'Anna',
      '--passphrase',
      'very-secret-words',
    ]);
    expect(player.code).toBe(0);
    expect(JSON.parse(player.stdout)).toMatchObject({ name: 'Anna', session: null });
    expect(player.stdout).not.toContain('very-secret');
    const state = await runCli([...overSocket, '--json', 'state']);
    expect(state.stdout).not.toContain('very-secret');
    expect(state.stdout).not.toContain('sealed');
  });
});
