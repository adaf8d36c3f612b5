import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/envelope.js';
import { DEFAULT_EDGE_LIMITS, type EdgeLimits } from '../../src/transport/limits.js';
import {
  CHILD_PROCESS_TEST_MS,
  closeClients,
  killSpawnedServers,
  openClient,
  RawWsClient,
  removeTempDirs,
  ROOMY_LIMITS,
  runCli,
  spawnServer,
  startTestServer,
  stopTestServers,
  tempDir,
  waitFor,
  type TestServer,
} from '../helpers/index.js';
import { sample, scrape } from '../ops/support.js';
import { codeOf, countSubmissions, stateOf } from './support.js';

/**
 * Login brute force (LIMIT-8, AUTH-10): guesses are throttled by address and by guessed passphrase, only
 * failures add up, failures are logged without the guess, and new passphrases must be strong (the CLI
 * makes one when none is given). Request budgets are roomy here, so that only the login throttle acts.
 */
const LOGINS = DEFAULT_EDGE_LIMITS.logins;
const PASSPHRASE = 'orbit-lantern-pebble';
const opened: RawWsClient[] = [];

afterEach(async () => {
  for (const raw of opened.splice(0)) raw.close();
  closeClients();
  await stopTestServers();
});

afterAll(async () => {
  await killSpawnedServers();
  removeTempDirs();
});

/** A server at its own login throttle, behind a proxy, with one player who can log in. */
async function serverWithPlayer(): Promise<TestServer> {
  const limits: EdgeLimits = { ...DEFAULT_EDGE_LIMITS, ...ROOMY_LIMITS, trustProxy: true };
  const server = await startTestServer({ config: { limits } });
  const admin = await openClient({ socket: server.socketPath });
  const session = await admin.request({ type: 'session.add', name: 'Logins' });
  await admin.request({ type: 'player.add', name: 'Pia', passphrase: PASSPHRASE, session: session.id });
  return server;
}

async function guestFrom(server: TestServer, address: string): Promise<RawWsClient> {
  const raw = await RawWsClient.open(server.url, { 'x-forwarded-for': address });
  opened.push(raw);
  await raw.hello();
  return raw;
}

let counter = 0;
/** Sends one login and returns its answer. */
async function login(raw: RawWsClient, passphrase: string): Promise<ServerMessage> {
  const id = `login-${counter++}`;
  raw.request(id, { type: 'auth.login', passphrase });
  return raw.inbox.answer(id);
}

const retryAfter = (m: ServerMessage): number =>
  m.type === 'response' && !m.ok ? Number(m.error.details?.retryAfterMs) : NaN;

describe('[LIMIT-8] the login throttle', () => {
  it('lets an address fail 10 times, then refuses its logins (even a right one) with LOGIN_THROTTLED', async () => {
    const server = await serverWithPlayer();
    const guesser = await guestFrom(server, '203.0.113.30');
    for (let i = 0; i < LOGINS.address.burst; i++)
      expect(codeOf(await login(guesser, `wrong guess number ${i}`))).toBe('NOT_FOUND');
    const throttled = await login(guesser, 'yet another wrong guess');
    expect(codeOf(throttled)).toBe('LOGIN_THROTTLED');
    expect(retryAfter(throttled)).toBeGreaterThan(0);
    expect(retryAfter(throttled)).toBeLessThanOrEqual(1000 / LOGINS.address.perSecond);
    expect(codeOf(await login(guesser, PASSPHRASE))).toBe('LOGIN_THROTTLED');
    // The player, elsewhere, logs in as usual.
    const player = await guestFrom(server, '203.0.113.31');
    expect(await login(player, PASSPHRASE)).toMatchObject({ ok: true });
  });

  it('runs only the budget of 1,000 pipelined guesses; the rest never reach the engine', async () => {
    const server = await serverWithPlayer();
    const before = stateOf(server);
    const submitted = countSubmissions(server);
    const guesser = await guestFrom(server, '203.0.113.32');
    const ids = Array.from({ length: 1_000 }, (_, i) => `guess-${i}`);
    for (const id of ids) guesser.request(id, { type: 'auth.login', passphrase: `pipelined guess ${id}` });
    const codes = await Promise.all(ids.map(async (id) => codeOf(await guesser.inbox.answer(id))));
    expect(codes.filter((c) => c === 'NOT_FOUND')).toHaveLength(LOGINS.address.burst);
    expect(codes.filter((c) => c === 'LOGIN_THROTTLED')).toHaveLength(1_000 - LOGINS.address.burst);
    expect(submitted.count).toBe(LOGINS.address.burst);
    expect(stateOf(server)).toBe(before);
  });

  it('throttles one guessed passphrase across addresses', async () => {
    const server = await serverWithPlayer();
    const guess = 'the same guessed words';
    for (let i = 0; i < LOGINS.account.burst; i++) {
      const from = await guestFrom(server, `203.0.113.${40 + i}`);
      expect(codeOf(await login(from, guess))).toBe('NOT_FOUND');
    }
    const next = await guestFrom(server, '203.0.113.60');
    expect(codeOf(await login(next, guess))).toBe('LOGIN_THROTTLED');
    // Another guess from the same address is its own account, not throttled.
    expect(codeOf(await login(next, 'some other guessed words'))).toBe('NOT_FOUND');
  });

  it('counts only failures: a player logging in again and again is never throttled', async () => {
    const server = await serverWithPlayer();
    const player = await guestFrom(server, '203.0.113.70');
    for (let i = 0; i < 3 * LOGINS.address.burst; i++)
      expect(await login(player, PASSPHRASE)).toMatchObject({ ok: true });
    // And the address still has all of its failures left.
    for (let i = 0; i < LOGINS.address.burst; i++)
      expect(codeOf(await login(player, `typo number ${i}`))).toBe('NOT_FOUND');
  });
});

describe('[LIMIT-8] the log of failed logins and limits hit', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('names the connection and code of each failure, logs and counts each limit hit, never the guess', async () => {
    const server = await spawnServer(tempDir(), { env: { TRUINLAG_LOG_LEVEL: 'info' } });
    const guesser = await RawWsClient.open(server.url);
    opened.push(guesser);
    await guesser.hello();
    // The hello and these fill a guest's request budget (LIMIT-7) exactly; the next frames are refused.
    const guesses = Array.from(
      { length: DEFAULT_EDGE_LIMITS.requests.guest.connection.burst - 1 },
      (_, i) => `secret guess ${i} zebra`,
    );
    for (const guess of guesses) expect(codeOf(await login(guesser, guess))).toBe('NOT_FOUND');
    for (let i = 0; i < 3; i++)
      expect(codeOf(await login(guesser, `over budget ${i} zebra`))).toBe('RATE_LIMITED');
    const lines = (text: string): string[] =>
      server
        .output()
        .stderr.split('\n')
        .filter((l) => l.includes(text));
    await waitFor(
      () => lines('login failed').length === guesses.length && lines('rate limited').length > 0,
      10_000,
    );
    for (const line of lines('login failed'))
      expect(JSON.parse(line)).toMatchObject({ code: 'NOT_FOUND', msg: 'login failed' });
    // Every limit hit is logged (within the log budget, OPS-2) with the limit it hit.
    for (const line of lines('rate limited'))
      expect(JSON.parse(line)).toMatchObject({ limit: 'requests-per-connection', remote: '127.0.0.1' });
    // ...and counted, every one (OPS-1).
    const { text } = await scrape(server.url, { token: server.adminToken });
    const hits = { limit: 'requests-per-connection' };
    expect(sample(text, 'truinlag_rate_limit_hits_total', hits)).toBe(3);
    const everything = server.output().stdout + server.output().stderr;
    expect(everything).not.toContain('zebra');
  });
});

describe('[AUTH-10] new passphrases are strong', () => {
  it.each([
    ['four letters', 'abcd'],
    ['two words', 'anna secret'],
    ['eleven characters', 'abcdefghijk'],
    ['twelve of one character', 'aaaaaaaaaaaa'],
    ['a repeated pair of letters', 'ab ab ab ab ab'],
  ])('refuses %s as INVALID (passphrase-strength) in player.add and player.edit', async (_name, weak) => {
    const server = await startTestServer();
    const admin = await openClient({ url: server.url, token: server.adminToken });
    const before = stateOf(server);
    await expect(admin.request({ type: 'player.add', name: 'Weak', passphrase: weak })).rejects.toMatchObject(
      {
        code: 'INVALID',
        details: { rule: 'passphrase-strength', field: 'passphrase' },
      },
    );
    expect(stateOf(server)).toBe(before);
    const player = await admin.request({ type: 'player.add', name: 'Strong', passphrase: 'twelve chars' });
    await expect(
      admin.request({ type: 'player.edit', id: player.id, passphrase: weak }),
    ).rejects.toMatchObject({
      code: 'INVALID',
    });
  });

  it('takes three different words, or twelve characters of which five differ', async () => {
    const server = await startTestServer();
    const admin = await openClient({ socket: server.socketPath });
    for (const [i, strong] of ['cat dog owl', 'sun-moon-star', 'Zwölf Zeiche', 'abcde1234567'].entries())
      await expect(
        admin.request({ type: 'player.add', name: `S${i}`, passphrase: strong }),
      ).resolves.toMatchObject({
        name: `S${i}`,
      });
  });
});

describe('[AUTH-10] truinlag player add', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('without --passphrase generates three words, prints them once, and they log in', async () => {
    const server = await startTestServer();
    const admin = await openClient({ socket: server.socketPath });
    await admin.request({ type: 'session.add', name: 'Cli' });
    const added = await runCli([
      '--socket',
      server.socketPath,
      '--session',
      'Cli',
      '--json',
      'player',
      'add',
      'Gen',
    ]);
    expect(added.code).toBe(0);
    const player = JSON.parse(added.stdout) as { id: number; passphrase: string };
    expect(player.passphrase).toMatch(/^[a-z]{3,9}-[a-z]{3,9}-[a-z]{3,9}$/);
    const guest = await openClient({ url: server.url });
    await expect(guest.login(player.passphrase)).resolves.toMatchObject({ player: { id: player.id } });
    // Given one, it is used and not printed.
    const given = await runCli([
      '--socket',
      server.socketPath,
      'player',
      'add',
      'Own',
      '--passphrase',
      'my own three words',
    ]);
    expect(given.code).toBe(0);
    expect(given.stdout).not.toContain('my own three words');
  });
});
