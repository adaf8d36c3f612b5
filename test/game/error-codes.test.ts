import { CHALLENGE_DEFAULTS } from '../../src/engine/catalogue/defaults.js';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/client.js';
import { TruinlagError } from '../../src/client/errors.js';
import type { ChallengeInput } from '../../src/protocol/catalogue.js';
import type { AnyCommandInput } from '../../src/protocol/commands/index.js';
import { ERROR_CODES, type ErrorCode } from '../../src/protocol/errors.js';
import { PROTOCOL_VERSION, MAX_FRAME_BYTES } from '../../src/protocol/version.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { DEFAULT_EDGE_LIMITS } from '../../src/transport/limits.js';
import { UPLOADS_FOLDER } from '../../src/server/server.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { MAX_ID_SESSIONS } from '../../src/engine/tx.js';
import {
  closeClients,
  found,
  openClient,
  RawWsClient,
  removeTempDirs,
  startPartitionedServer,
  startTestServer,
  stopTestServers,
  waitFor,
  withTimeout,
  type TestServer,
} from '../helpers/index.js';
import { httpBase, makeImage, openUpload, uploadHttp, type RawAnswer } from '../pictures/support.js';
import { playedGame } from '../privacy/support.js';
import { REPO_ROOT } from '../helpers/server.js';

/**
 * Every error code of the protocol's table is reached over a real connection (WebSocket, real server,
 * real client library or raw frames) by provoking the condition it names. The set of codes actually
 * received is compared with the table at the end, so a code that can no longer happen fails the test.
 */
const seen = new Set<string>();
/** Codes only a cluster of nodes answers, and the cluster test (over real NATS) that reaches each. */
const REACHED_BY_CLUSTER_TESTS: Partial<Record<ErrorCode, string>> = {
  OWNER_UNAVAILABLE: 'test/cluster/parts-ownership.test.ts',
};
const raws: RawWsClient[] = [];

/** Sends a request that must be refused with `code` (and records the code the server really sent). */
async function refused(
  client: TruinlagClient,
  command: AnyCommandInput,
  code: ErrorCode,
  session?: number,
): Promise<void> {
  const error = await client.request(command, session === undefined ? {} : { session }).then(
    (result) => new Error(`accepted: ${JSON.stringify(result).slice(0, 200)}`),
    (e: unknown) => e,
  );
  if (!(error instanceof TruinlagError)) throw error;
  seen.add(error.code);
  expect(error.code).toBe(code);
}

/** The codes a raw connection received, in responses and connection-level errors. */
function recordRaw(raw: RawWsClient): void {
  for (const m of raw.inbox.all) {
    if (m.type === 'error' || (m.type === 'response' && !m.ok)) seen.add(m.error.code);
  }
}

async function raw(url: string): Promise<RawWsClient> {
  const client = await RawWsClient.open(url);
  raws.push(client);
  return client;
}

const challenge = (set: number, title: string): ChallengeInput => ({
  ...CHALLENGE_DEFAULTS,
  kind: 'Unspezifisch',
  sets: [set],
  status: 'Approved',
  title,
  description: `Mach ${title}.`,
  additionalPoints: 100,
});

const location = (lat: number, lon: number, timestamp: number) =>
  ({ lat, lon, accuracy: 5, heading: null, speed: null, timestamp }) as const;

describe('[PROTOCOL-4] every error code of the protocol, over a real connection', () => {
  let server: TestServer;
  let admin: TruinlagClient;
  const clock = new FakeClock(); // Saturday 13 June 2026, 09:00 in Zürich

  beforeAll(async () => {
    server = await startTestServer({ clock });
    admin = await openClient({ url: server.url, token: server.adminToken });
  });

  afterAll(async () => {
    for (const r of raws) r.close();
    closeClients();
    await stopTestServers();
    removeTempDirs();
  });

  it('envelope and connection errors', async () => {
    const early = await raw(server.url);
    early.request('early', { type: 'ping' });
    expect(await early.inbox.answer('early')).toMatchObject({ error: { code: 'HELLO_REQUIRED' } });
    await early.hello({ token: server.adminToken });
    early.send('{"type":"request","id":"x1",');
    expect(await early.inbox.answer(null)).toMatchObject({ error: { code: 'MALFORMED' } });
    early.request('what', { type: 'no.such.command' });
    expect(await early.inbox.answer('what')).toMatchObject({ error: { code: 'UNKNOWN_COMMAND' } });
    early.request('big', { type: 'session.add', name: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(await early.inbox.answer(null)).toMatchObject({ error: { code: 'TOO_LARGE' } });
    recordRaw(early);

    const old = await raw(server.url);
    old.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION + 99 }));
    expect(await old.inbox.answer(null)).toMatchObject({ error: { code: 'VERSION_MISMATCH' } });
    recordRaw(old);

    const outdated = await raw(server.url);
    outdated.send(
      JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, app: { name: 'old', version: '0.0.1' } }),
    );
    expect(await outdated.inbox.answer(null)).toMatchObject({ error: { code: 'CLIENT_TOO_OLD' } });
    recordRaw(outdated);

    const forged = await raw(server.url);
    forged.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: 'not-a-token' }));
    expect(await forged.inbox.answer(null)).toMatchObject({ error: { code: 'UNAUTHORISED' } });
    recordRaw(forged);

    // Scope of a command against the request's session (PROTOCOL-3, AUTH-3).
    await refused(admin, { type: 'team.list' }, 'NO_SESSION_SUPPLIED');
    await refused(admin, { type: 'session.list' }, 'SESSION_SUPPLIED', 1);
    await refused(admin, { type: 'team.list' }, 'NOT_FOUND', 999);
    // Internal commands are the engine's own: not reachable from the wire, not even by an admin.
    await refused(admin, { type: 'timer.fire', timer: 1 }, 'UNAUTHORISED');
    // A backup named by a path is refused (DURABILITY-7); one whose folder cannot be made fails in the
    // background job.
    await refused(admin, { type: 'server.backup', file: join(server.dataDir, 'b.db') }, 'INVALID');
    writeFileSync(join(server.dataDir, 'backups'), 'a file where the backups folder belongs');
    await refused(admin, { type: 'server.backup', file: 'b.db' }, 'TEXT_ERROR');
    rmSync(join(server.dataDir, 'backups'));
  });

  it('the game: from setting up to grace, too-rapid completions, pause and the player’s limits', async () => {
    const set = (await admin.request({ type: 'set.add', name: 'base' })).id;
    await admin.request({
      type: 'zone.add',
      zone: {
        number: 110,
        numConnZones: 11,
        numConnections: 640,
        trainThrough: true,
        mongus: false,
        sBahnZone: true,
        minutesTo: {},
        closeSectors: [],
      },
    });
    await admin.request({ type: 'challenge.add', challenge: challenge(set, 'Eins') });
    await admin.request({ type: 'challenge.add', challenge: challenge(set, 'Zwei') });
    await refused(
      admin,
      { type: 'challenge.add', challenge: { ...challenge(set, 'Ohne'), description: null } },
      'INVALID',
    );

    const S = (await admin.request({ type: 'session.add', name: 'Fehler' })).id;
    await refused(admin, { type: 'session.add', name: 'fehler' }, 'ALREADY_EXISTS');
    const inS = { session: S };
    const teams: number[] = [];
    for (const name of ['Rot', 'Blau', 'Grün'])
      teams.push((await admin.request({ type: 'team.add', name }, inS)).id);
    await refused(admin, { type: 'team.add', name: 'rot' }, 'TEAM_EXISTS', S);
    const passphrases = new Map<number, string>();
    const members: number[] = [];
    for (const [i, team] of teams.entries()) {
      const passphrase = `geheim ${i} ${team} passwort`;
      const player = await admin.request({ type: 'player.add', name: `P${i}`, passphrase, session: S });
      await admin.request({ type: 'team.assign', player: player.id, team }, inS);
      passphrases.set(team, passphrase);
      members.push(player.id);
    }
    // A global step leaves the session's teams alone: a player on one is taken off it first (CLUSTER-15).
    await refused(admin, { type: 'player.remove', id: found(members[0], 'a member') }, 'PLAYER_ON_TEAM');
    await refused(admin, { type: 'config.set', changes: { startTime: '25:00' } }, 'INVALID', S);
    await refused(admin, { type: 'game.stop' }, 'GAME_NOT_RUNNING', S);
    await refused(admin, { type: 'game.start' }, 'TOO_FEW_CHALLENGES', S);
    for (const title of ['Drei', 'Vier', 'Fünf', 'Sechs', 'Sieben', 'Acht'])
      await admin.request({ type: 'challenge.add', challenge: challenge(set, title) });
    await admin.request({ type: 'config.set', changes: { numCatchers: 3 } }, inS);
    await refused(admin, { type: 'game.start' }, 'BAD_DATA', S); // 3 catchers for 3 teams
    await admin.request({ type: 'config.set', changes: { numCatchers: 1 } }, inS);
    const game = await admin.request({ type: 'game.start' }, inS);
    await refused(admin, { type: 'team.add', name: 'Gelb' }, 'GAME_IN_PROGRESS', S);
    const K = found(
      game.teams.find((t) => t.role === 'Catcher'),
      'catcher team',
    ).id;
    const [R1, R2] = teams.filter((t) => t !== K) as [number, number];

    // Players log in (auth.login) and act for their own team only (AUTH-3).
    const login = async (team: number): Promise<TruinlagClient> => {
      const client = await openClient({ url: server.url });
      await refused(client, { type: 'session.state' }, 'UNAUTHORISED', S); // a guest
      await client.login(found(passphrases.get(team), `passphrase of team ${team}`));
      return client;
    };
    const catcher = await login(K);
    const r1 = await login(R1);
    const r2 = await login(R2);
    await refused(r1, { type: 'team.add', name: 'Gelb' }, 'UNAUTHORISED', S);
    await refused(r1, { type: 'catch', catcher: K, caught: R2, periodId: 0 }, 'UNAUTHORISED', S);

    // Catch evidence (CATCH-6): the catcher's position, the caught team's fresh location, 300 m.
    const hb = (at: number) => location(47.3779, 8.5403, at);
    const catchOf = (caught: number, at = clock.now()) =>
      ({ type: 'catch', catcher: K, caught, periodId: 0, position: hb(at) }) as const;
    await refused(
      catcher,
      { type: 'catch', catcher: K, caught: R2, periodId: 0 },
      'CATCHER_LOCATION_MISSING',
      S,
    );
    await refused(catcher, catchOf(R2, clock.now() - 6 * 60_000), 'CATCHER_LOCATION_STALE', S);
    await refused(catcher, catchOf(R2), 'TARGET_LOCATION_MISSING', S);
    await r2.request({ type: 'location.send', location: location(47.39, 8.5403, clock.now()) }, inS);
    await r1.request({ type: 'location.send', location: location(47.378, 8.5403, clock.now()) }, inS);
    await refused(catcher, catchOf(R2), 'TEAMS_TOO_FAR', S);
    clock.advance(6 * 60_000);
    await refused(catcher, catchOf(R1), 'TARGET_LOCATION_STALE', S);
    await r1.request({ type: 'location.send', location: location(47.3781, 8.5403, clock.now()) }, inS);
    await refused(catcher, { ...catchOf(R1), periodId: 5 }, 'BAD_DATA', S);
    await refused(r1, { type: 'catch', catcher: R1, caught: R2, periodId: 0 }, 'TEAM_IS_RUNNER', S);
    await catcher.request(catchOf(R1), inS);
    await refused(r1, { type: 'catch', catcher: R1, caught: K, periodId: 1 }, 'TEAM_IN_GRACE_PERIOD', S);
    await refused(admin, { type: 'correction.newHand', team: R1 }, 'TEAM_IS_CATCHER', S);

    const firstOffer = async (): Promise<number> => {
      const team = (await r2.request({ type: 'session.state' }, inS)).teams.find((t) => t.id === R2);
      return found(team?.offers[0], `an offer in team ${R2}'s hand`).challengeId;
    };
    await r2.request({ type: 'complete', team: R2, challenge: await firstOffer(), periodId: 0 }, inS);
    await refused(
      r2,
      { type: 'complete', team: R2, challenge: await firstOffer(), periodId: 1 },
      'TOO_RAPID',
      S,
    );

    await admin.request({ type: 'clock.pause' }, inS);
    await refused(admin, { type: 'clock.pause' }, 'GAME_PAUSED', S);
    await refused(r1, { type: 'catch', catcher: R1, caught: R2, periodId: 1 }, 'GAME_PAUSED', S);
    await admin.request({ type: 'clock.resume' }, inS);

    // A picture that is not one (PICTURE-2).
    await refused(
      r2,
      {
        type: 'picture.upload',
        target: { kind: 'team', team: R2 },
        data: Buffer.from('no picture').toString('base64'),
      },
      'PICTURE_PROBLEM',
    );
  });

  it('[DURABILITY-2] a commit that cannot be saved answers INTERNAL, and nothing was changed', async () => {
    // Another process holds the database's write lock: the engine's next commit fails after its busy wait.
    const locker = new Database(join(server.dataDir, DATABASE_FILE));
    try {
      locker.prepare('BEGIN IMMEDIATE').run();
      await refused(admin, { type: 'session.add', name: 'Verloren' }, 'INTERNAL');
    } finally {
      locker.prepare('ROLLBACK').run();
      locker.close();
    }
    const sessions = await admin.request({ type: 'session.list' });
    expect(sessions.map((s) => s.name)).not.toContain('Verloren');
  }, 30_000);

  it('requests that arrive while the server shuts down are answered SHUTTING_DOWN', async () => {
    // A second server, busy with pictures: its shutdown waits for the running jobs (up to its grace),
    // and requests arriving meanwhile are refused.
    const busy = await startTestServer();
    const client = await openClient({ url: busy.url, token: busy.adminToken });
    const heavy = await sharp({
      create: { width: 7000, height: 7000, channels: 3, background: { r: 30, g: 90, b: 160 } },
    })
      .png()
      .toBuffer();
    const player = await client.request({
      type: 'player.add',
      name: 'Fotograf',
      passphrase: 'fotos fotos fotos',
    });
    const uploads = Array.from({ length: 8 }, () =>
      client
        .request({
          type: 'picture.upload',
          target: { kind: 'player', player: player.id },
          data: heavy.toString('base64'),
        })
        .catch(() => undefined),
    );
    await client.request({ type: 'server.shutdown' });
    let code: string | undefined;
    await withTimeout(
      (async () => {
        while (code === undefined) {
          code = await client.request({ type: 'ping' }).then(
            () => undefined,
            (e: unknown) => (e instanceof TruinlagError ? e.code : String(e)),
          );
        }
      })(),
      20_000,
      'a refused request during the shutdown',
    );
    if (code !== undefined) seen.add(code);
    expect(code).toBe('SHUTTING_DOWN');
    await Promise.all(uploads);
    await busy.server.closed;
  }, 60_000);

  it('limits at the edge: shape, rate, logins, connections and the hello deadline (LIMIT rules)', async () => {
    const tight = await startTestServer({
      config: {
        limits: {
          ...DEFAULT_EDGE_LIMITS,
          helloTimeoutMs: 200,
          connectionsPerAddress: 1,
          logins: { address: { burst: 1, perSecond: 0.001 }, account: { burst: 1, perSecond: 0.001 } },
        },
      },
    });
    const guest = await raw(tight.url);
    await guest.hello();
    guest.request('guess', { type: 'auth.login', passphrase: 'one wrong guess' });
    expect(await guest.inbox.answer('guess')).toMatchObject({ error: { code: 'NOT_FOUND' } });
    guest.request('again', { type: 'auth.login', passphrase: 'one wrong guess' });
    expect(await guest.inbox.answer('again')).toMatchObject({ error: { code: 'LOGIN_THROTTLED' } });
    guest.send('['.repeat(100) + ']'.repeat(100));
    expect(await guest.inbox.answer(null)).toMatchObject({ error: { code: 'TOO_DEEP' } });
    // This one is large enough to spend the guest's request budget (LIMIT-7) for a while.
    guest.send(JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))));
    expect(await guest.inbox.answer(null)).toMatchObject({ error: { code: 'TOO_MANY_VALUES' } });
    guest.request('flood', { type: 'ping' });
    expect(await guest.inbox.answer('flood')).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    recordRaw(guest);

    const second = await raw(tight.url);
    expect(await second.inbox.answer(null)).toMatchObject({ error: { code: 'TOO_MANY_CONNECTIONS' } });
    recordRaw(second);
    guest.close();
    await guest.closed;
    const silent = await raw(tight.url);
    expect(await silent.inbox.answer(null)).toMatchObject({ error: { code: 'HELLO_TIMEOUT' } });
    recordRaw(silent);
  });

  it('[PICTURE-8] [PICTURE-9] the upload limits answer their own codes over HTTP', async () => {
    const limited = await startTestServer({ config: { uploads: { perLogin: 1, total: 1, stallMs: 500 } } });
    const gm = await openClient({ url: limited.url, token: limited.adminToken });
    const session = (await gm.request({ type: 'session.add', name: 'Eile' })).id;
    const passphrase = 'eilig eilig eilig';
    const player = await gm.request({ type: 'player.add', name: 'Eilig', passphrase, session });
    const { token } = await gm.request({ type: 'auth.login', passphrase });
    const base = limited.url.replace(/^ws:/, 'http:');
    const target = { kind: 'player', player: player.id };
    const held = openUpload(base, limited.adminToken, target, 1_000);
    held.send(Buffer.alloc(10));
    await waitFor(
      () => readdirSync(join(limited.dataDir, UPLOADS_FOLDER)).length === 1,
      5_000,
      'a held upload',
    );
    const codeOf = async (answer: Promise<RawAnswer | undefined>): Promise<string> => {
      const body = JSON.parse((await answer)?.body ?? '{}') as { error?: { code: string } };
      seen.add(body.error?.code ?? 'none');
      return body.error?.code ?? 'none';
    };
    const again = openUpload(base, limited.adminToken, target, 10);
    again.end(Buffer.alloc(10));
    expect(await codeOf(again.answer)).toBe('TOO_MANY_UPLOADS');
    const other = openUpload(base, token, target, 10);
    other.end(Buffer.alloc(10));
    expect(await codeOf(other.answer)).toBe('UPLOADS_BUSY');
    expect(await codeOf(held.answer)).toBe('UPLOAD_TOO_SLOW');
  });

  it('[PICTURE-10] a picture that would eat into the disk the game keeps free: 507 PICTURE_LIMIT', async () => {
    const full = await startTestServer({ config: { pictureDiskReserveBytes: Number.MAX_SAFE_INTEGER } });
    const gm = await openClient({ url: full.url, token: full.adminToken });
    const player = await gm.request({ type: 'player.add', name: 'Knipser', passphrase: 'knips knips knips' });
    const answer = await uploadHttp(
      httpBase(full.url),
      full.adminToken,
      { kind: 'player', player: player.id },
      await makeImage('jpeg', 64, 48),
    );
    expect(answer.status).toBe(507);
    expect(answer.body).toMatchObject({ ok: false, error: { code: 'PICTURE_LIMIT' } });
    seen.add('PICTURE_LIMIT');
  });

  it('[CLUSTER-16] a session whose ids would pass 2^53 gets none: IDS_EXHAUSTED', async () => {
    // A store whose next session id is 2^21, switched to per-session ids as a cluster's owner switches it.
    const partitioned = await startPartitionedServer(MAX_ID_SESSIONS);
    const gm = await openClient({ url: partitioned.url, token: partitioned.adminToken });
    const session = await gm.request({ type: 'session.add', name: 'Zu gross' });
    expect(session.id).toBe(MAX_ID_SESSIONS);
    await refused(gm, { type: 'team.add', name: 'Rot' }, 'IDS_EXHAUSTED', session.id);
  });

  it('[CLUSTER-17] a global erase while a session holds something of the player: ERASE_SESSIONS_FIRST', async () => {
    const { owner, world } = await playedGame();
    await owner.request(
      { type: 'team.assign', player: world.players.a0, team: null },
      { session: world.session },
    );
    await refused(owner, { type: 'player.erase', id: world.players.a0 }, 'ERASE_SESSIONS_FIRST');
  });

  it('reached every code of the table', () => {
    // A code only a cluster answers is reached by its cluster test (real NATS), which must expect it.
    for (const [code, file] of Object.entries(REACHED_BY_CLUSTER_TESTS)) {
      expect(readFileSync(join(REPO_ROOT, file), 'utf8')).toContain(`code: '${code}'`);
      seen.add(code);
    }
    expect([...seen].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
