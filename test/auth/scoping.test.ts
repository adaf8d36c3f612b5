import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { BroadcastMessage, ServerMessage } from '../../src/protocol/envelope.js';
import type { FakeClock } from '../../src/runtime/clock.js';
import {
  closeClients,
  found,
  nextBroadcast,
  RawWsClient,
  removeTempDirs,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import {
  adminClient,
  collect,
  fix,
  makeWorld,
  playerClient,
  resetCatalogueFlag,
  settle,
  startAuthServer,
  startGame,
  type World,
} from './support.js';

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const streamOf = (b: BroadcastMessage): string => (b.session === null ? 'global' : String(b.session));
const seqsOn = (seen: readonly BroadcastMessage[], stream: string): number[] =>
  seen.filter((b) => streamOf(b) === stream).map((b) => b.seq);

/**
 * Opens a raw connection with the token and `since` (resume), and returns the broadcasts it replays:
 * everything the server sends before the answer to a request made right after the hello.
 */
async function replayed(server: TestServer, token: string, since: Record<string, number>, session: number) {
  const raw = await RawWsClient.open(server.url);
  raw.send(JSON.stringify({ type: 'hello', protocol: 1, token, since }));
  raw.request('after-resume', { type: 'event.list' }, session);
  await raw.inbox.answer('after-resume');
  const messages: ServerMessage[] = [...raw.inbox.all];
  expect(raw.inbox.violations).toEqual([]);
  raw.close();
  return {
    broadcasts: messages.filter((m): m is BroadcastMessage => m.type === 'broadcast'),
    notices: messages.filter((m) => m.type === 'notice'),
  };
}

describe('[VISIBILITY-1] broadcasts reach only the clients of their session', () => {
  let server: TestServer;
  let clock: FakeClock;
  let admin: TruinlagClient;
  let a: World;
  let b: World;
  let playersA: TruinlagClient[];
  let playerB: TruinlagClient;

  beforeAll(async () => {
    resetCatalogueFlag();
    ({ server, clock } = await startAuthServer());
    admin = await adminClient(server);
    a = await makeWorld(admin, 'A', 2);
    b = await makeWorld(admin, 'B', 2);
    playersA = [
      await playerClient(server, found(a.passphrases[0], 'a.passphrases[0]')),
      await playerClient(server, found(a.passphrases[1], 'a.passphrases[1]')),
    ];
    playerB = await playerClient(server, found(b.passphrases[0], 'b.passphrases[0]'));
  });

  it('a client of session A never receives a broadcast of session B, and gets all of A’s', async () => {
    const seenByAdmin = collect(admin);
    const seenA = playersA.map(collect);
    const seenB = collect(playerB);
    const [pa0, pa1] = playersA as [TruinlagClient, TruinlagClient];
    // Activity in both sessions, by the game master and by the players themselves.
    await pa0.request({
      type: 'team.rename',
      team: found(a.teams[0], 'a.teams[0]').id,
      name: 'Renamed by A',
    });
    await playerB.request({
      type: 'team.rename',
      team: found(b.teams[0], 'b.teams[0]').id,
      name: 'Renamed by B',
    });
    for (const world of [a, b]) {
      const session = world.session.id;
      await admin.request({ type: 'team.add', name: `Extra ${world.session.name}` }, { session });
      await admin.request({ type: 'config.set', changes: { gracePeriodMinutes: 20 } }, { session });
      await admin.request(
        { type: 'announcement.schedule', text: `Hello ${session}`, at: clock.now() + 1_000 },
        { session },
      );
      await startGame(admin, world);
    }
    clock.advance(1_000);
    await Promise.all([
      nextBroadcast(pa0, (m) => m.event.type === 'announcement'),
      nextBroadcast(playerB, (m) => m.event.type === 'announcement'),
    ]);
    await pa1.request({ type: 'location.send', location: fix(clock, 1) });
    await playerB.request({ type: 'location.send', location: fix(clock, 2) });
    await pa0.request({ type: 'ping', text: 'a ping from a player of A' });
    await admin.request({ type: 'player.add', name: 'Admins only', passphrase: 'admins-only-secret' });
    await settle(admin, [admin, pa0, pa1, playerB], 'scoping done');

    const A = String(a.session.id);
    const B = String(b.session.id);
    for (const seen of seenA) {
      expect(seen.filter((m) => m.session === b.session.id)).toEqual([]);
      // Every broadcast of A (none of this scenario's is kept from anyone), in order, once.
      expect(seqsOn(seen, A)).toEqual(seqsOn(seenByAdmin, A));
      expect(seen.map((m) => m.event.type)).toEqual(
        expect.arrayContaining([
          'team.changed',
          'config.changed',
          'announcement',
          'game.started',
          'location',
        ]),
      );
      // Of the global stream only what is for everyone: pings, not the admins' player.added.
      expect(new Set(seen.filter((m) => m.session === null).map((m) => m.event.type))).toEqual(
        new Set(['pinged']),
      );
    }
    expect(seenB.filter((m) => m.session === a.session.id)).toEqual([]);
    expect(seqsOn(seenB, B)).toEqual(seqsOn(seenByAdmin, B));
    expect(seqsOn(seenB, B).length).toBeGreaterThan(5);
    expect(seenByAdmin.some((m) => m.event.type === 'player.added')).toBe(true);
  });

  it('[RESUME-2] resuming replays the player’s session and the global stream only: never B, not even a resync', async () => {
    const token = found(playersA[0]?.token, 'token of player A0');
    const A = String(a.session.id);
    const B = String(b.session.id);
    const { broadcasts, notices } = await replayed(
      server,
      token,
      { global: 0, [A]: 0, [B]: 0, '999': 5 },
      a.session.id,
    );
    expect(notices).toEqual([]);
    expect(broadcasts.filter((m) => streamOf(m) === B)).toEqual([]);
    expect(seqsOn(broadcasts, A).length).toBeGreaterThan(5);
    expect(new Set(broadcasts.filter((m) => m.session === null).map((m) => m.event.type))).toEqual(
      new Set(['pinged']),
    );
  });

  it('a player moved to another session sees that session from then on (looked up at send time)', async () => {
    const [pa0] = playersA as [TruinlagClient];
    const moved = found(a.players[0], 'a.players[0]').id;
    // Games lock membership (LOCK-1): stop A's game first; the player leaves their team, then the session
    // (CLUSTER-15).
    await admin.request({ type: 'game.stop' }, { session: a.session.id });
    await admin.request({ type: 'game.stop' }, { session: b.session.id });
    await admin.request({ type: 'team.assign', player: moved, team: null }, { session: a.session.id });
    await admin.request({ type: 'player.edit', id: moved, session: b.session.id });
    const seen = collect(pa0);
    await admin.request({ type: 'team.add', name: 'After move A' }, { session: a.session.id });
    await admin.request({ type: 'team.add', name: 'After move B' }, { session: b.session.id });
    await settle(admin, [pa0], 'after move');
    expect(seen.map((m) => [m.session, m.event.type])).toEqual([
      [b.session.id, 'team.changed'],
      [null, 'pinged'],
    ]);
    expect((await pa0.request({ type: 'session.state' }, { session: b.session.id })).session.id).toBe(
      b.session.id,
    );
  });
});

describe('[VISIBILITY-3] a team in its grace period is invisible to catchers', () => {
  let server: TestServer;
  let clock: FakeClock;
  let admin: TruinlagClient;
  let world: World;
  /** Player connections by team id. */
  const byTeam = new Map<number, TruinlagClient>();
  let catcher: number;
  let caught: number;
  let other: number;

  beforeAll(async () => {
    resetCatalogueFlag();
    ({ server, clock } = await startAuthServer());
    admin = await adminClient(server);
    world = await makeWorld(admin, 'D', 3);
    for (const [i, team] of world.teams.entries())
      byTeam.set(team.id, await playerClient(server, found(world.passphrases[i], 'world.passphrases[i]')));
    const teams = await startGame(admin, world);
    catcher = found(
      teams.find((t) => t.role === 'Catcher'),
      'catcher team',
    ).id;
    const runners = teams.filter((t) => t.role === 'Runner').map((t) => t.id);
    expect(runners).toHaveLength(2);
    [caught, other] = runners as [number, number];
  });

  const client = (team: number): TruinlagClient => found(byTeam.get(team), `client of team ${team}`);

  it('after a catch, the new runner’s locations reach runners and admins but not the catchers, live and on resume', async () => {
    const session = world.session.id;
    await client(catcher).request({ type: 'location.send', location: fix(clock, 0) });
    await client(caught).request({ type: 'location.send', location: fix(clock, 10) });
    const before = found(
      (await client(catcher).request({ type: 'session.state' })).teams.find((t) => t.id === catcher),
      `team ${catcher} in the session state`,
    );
    const caughtSeq = client(caught).lastSeq.get(String(session)) ?? 0;
    const caughtToken = found(client(caught).token, 'token of the caught team');
    const otherToken = found(client(other).token, 'token of the other runner');
    const catchResult = await client(catcher).request({
      type: 'catch',
      catcher,
      caught,
      periodId: before.periodId,
      position: fix(clock, 0),
    });
    // The former catcher runs now, in grace; the caught team is the catcher.
    expect(catchResult.team).toMatchObject({ id: catcher, role: 'Runner' });
    expect(catchResult.team.graceUntil).not.toBeNull();
    const seen = new Map([...byTeam].map(([team, c]) => [team, collect(c)]));
    const seenByAdmin = collect(admin);
    await client(catcher).request({ type: 'location.send', location: fix(clock, 30) });
    await settle(admin, [admin, ...byTeam.values()], 'grace location sent');
    const locations = (team: number): BroadcastMessage[] =>
      (seen.get(team) ?? []).filter((m) => m.event.type === 'location');
    expect(locations(caught)).toEqual([]);
    expect(locations(other)).toHaveLength(1);
    expect(locations(catcher)).toHaveLength(1);
    expect(seenByAdmin.filter((m) => m.event.type === 'location')).toHaveLength(1);
    const graceSeq = found(locations(other)[0], 'the grace location').seq;
    // The catcher's reads hide it too.
    const list = await client(caught).request({ type: 'team.list' });
    expect(list.find((t) => t.id === catcher)?.location).toBeNull();
    expect(await client(caught).request({ type: 'location.list', team: catcher })).toEqual([]);

    // Resume from before the catch: the catcher's replay skips the grace location, a runner's has it.
    const catcherReplay = await replayed(server, caughtToken, { global: 0, [session]: caughtSeq }, session);
    const runnerReplay = await replayed(server, otherToken, { global: 0, [session]: caughtSeq }, session);
    expect(catcherReplay.notices).toEqual([]);
    expect(catcherReplay.broadcasts.map((m) => m.seq)).not.toContain(graceSeq);
    expect(catcherReplay.broadcasts.map((m) => m.event.type)).toContain('caught');
    expect(runnerReplay.broadcasts.map((m) => m.seq)).toContain(graceSeq);
  });

  it('once grace ends, the catchers get the team’s locations again', async () => {
    const ended = nextBroadcast(client(caught), (m) => m.event.type === 'grace.ended');
    clock.advance(15 * 60_000);
    expect((await ended).event).toEqual({ type: 'grace.ended', team: catcher });
    const seen = collect(client(caught));
    await client(catcher).request({ type: 'location.send', location: { ...fix(clock, 60) } });
    await settle(admin, [client(caught)], 'after grace');
    expect(seen.filter((m) => m.event.type === 'location').map((m) => m.event)).toEqual([
      expect.objectContaining({ type: 'location', team: catcher }),
    ]);
    const list = await client(caught).request({ type: 'team.list' });
    expect(list.find((t) => t.id === catcher)?.location).not.toBeNull();
  });
});

describe('[VISIBILITY-4] positions reported in grace stay hidden from that grace’s catchers', () => {
  let server: TestServer;
  let clock: FakeClock;
  let admin: TruinlagClient;
  let world: World;
  const byTeam = new Map<number, TruinlagClient>();
  /** The first catcher, which catches and then runs in grace. */
  let graceTeam: number;
  /** Caught by it: a catcher during that grace, a runner again later (by an override). */
  let formerCatcher: number;
  /** A runner throughout. */
  let runner: number;

  beforeAll(async () => {
    resetCatalogueFlag();
    ({ server, clock } = await startAuthServer());
    admin = await adminClient(server);
    world = await makeWorld(admin, 'V', 3);
    for (const [i, team] of world.teams.entries())
      byTeam.set(team.id, await playerClient(server, world.passphrases[i] as string));
    const teams = await startGame(admin, world);
    graceTeam = teams.find((t) => t.role === 'Catcher')?.id as number;
    [formerCatcher, runner] = teams.filter((t) => t.role === 'Runner').map((t) => t.id) as [number, number];
  });

  const client = (team: number): TruinlagClient => byTeam.get(team) as TruinlagClient;
  const session = (): number => world.session.id;
  /** The trail of the grace team as the connection reads it, as latitudes. */
  const trail = async (reader: TruinlagClient): Promise<number[]> =>
    (await reader.request({ type: 'location.list', team: graceTeam }, { session: session() }))[0]?.track.map(
      (p) => p.lat,
    ) ?? [];
  const location = async (reader: TruinlagClient, kind: 'team.list' | 'session.state') => {
    const teams =
      kind === 'team.list'
        ? await reader.request({ type: 'team.list' }, { session: session() })
        : (await reader.request({ type: 'session.state' }, { session: session() })).teams;
    return teams.find((t) => t.id === graceTeam)?.location?.lat ?? null;
  };

  it('trails, team lists and session state leave them out for that team, also once it runs again', async () => {
    const before = fix(clock, 0);
    await client(graceTeam).request({ type: 'location.send', location: before });
    const catcherTeam = (await client(graceTeam).request({ type: 'team.list' })).find(
      (t) => t.id === graceTeam,
    );
    // The catchers' team sends its position too, so that the catch's evidence holds (CATCH-6).
    await client(formerCatcher).request({ type: 'location.send', location: before });
    await client(graceTeam).request({
      type: 'catch',
      catcher: graceTeam,
      caught: formerCatcher,
      periodId: catcherTeam?.periodId ?? 0,
      position: before,
    });
    // In grace: two trail points, far enough apart in space and time to be kept.
    clock.advance(20_000);
    const inGrace1 = fix(clock, 3_000);
    await client(graceTeam).request({ type: 'location.send', location: inGrace1 });
    clock.advance(20_000);
    const inGrace2 = fix(clock, 6_000);
    await client(graceTeam).request({ type: 'location.send', location: inGrace2 });
    const ended = nextBroadcast(admin, (m) => m.event.type === 'grace.ended');
    clock.advance(15 * 60_000);
    await ended;
    // The former catcher runs again (an override): still nothing of the grace for it.
    await admin.request(
      { type: 'team.setRole', team: formerCatcher, role: 'Runner' },
      { session: session() },
    );

    const graceLats = [inGrace1.lat, inGrace2.lat];
    const everything = await trail(admin);
    expect(everything).toEqual(expect.arrayContaining([before.lat, ...graceLats]));
    expect(await trail(client(runner))).toEqual(everything);
    const formerCatchers = await trail(client(formerCatcher));
    expect(formerCatchers).toContain(before.lat);
    expect(formerCatchers.filter((lat) => graceLats.includes(lat))).toEqual([]);
    expect(formerCatchers).toEqual(everything.filter((lat) => !graceLats.includes(lat)));
    // Its current location was reported in grace too.
    for (const kind of ['team.list', 'session.state'] as const) {
      expect(await location(client(formerCatcher), kind)).toBeNull();
      expect(await location(client(runner), kind)).toBe(inGrace2.lat);
      expect(await location(admin, kind)).toBe(inGrace2.lat);
    }

    // A position after the grace is anyone's.
    clock.advance(20_000);
    const after = fix(clock, 9_000);
    await client(graceTeam).request({ type: 'location.send', location: after });
    expect(await location(client(formerCatcher), 'team.list')).toBe(after.lat);
    expect(await trail(client(formerCatcher))).toContain(after.lat);
  });

  it('after the game everything shows', async () => {
    await admin.request({ type: 'game.stop' }, { session: session() });
    const everything = await trail(admin);
    expect(await trail(client(formerCatcher))).toEqual(everything);
  });
});
