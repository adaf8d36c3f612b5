import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { AnyCommandInput } from '../../src/protocol/commands/index.js';
import { closeClients, found, removeTempDirs, stopTestServers, type TestServer } from '../helpers/index.js';
import { samplesFor } from './samples.js';
import {
  adminClient,
  collect,
  fingerprint,
  fix,
  makeWorld,
  playerClient,
  resetCatalogueFlag,
  settle,
  startAuthServer,
  startGame,
  type World,
} from './support.js';
import type { FakeClock } from '../../src/runtime/clock.js';

/**
 * AUTH-3: a player connection acts only as its own player and team, in its own session. Every command it may
 * not use is tried over a real WebSocket; each must answer UNAUTHORISED and leave the state, the journal
 * and every other client exactly as they were.
 */
let server: TestServer;
let clock: FakeClock;
let admin: TruinlagClient;
let a: World;
let b: World;
/** Player 0 of session A, logged in over WebSocket. */
let player: TruinlagClient;

beforeAll(async () => {
  resetCatalogueFlag();
  ({ server, clock } = await startAuthServer());
  admin = await adminClient(server);
  a = await makeWorld(admin, 'A', 3);
  b = await makeWorld(admin, 'B', 2);
  await startGame(admin, a);
  await startGame(admin, b);
  player = await playerClient(server, found(a.passphrases[0], 'passphrase of team A0'));
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

/** Sends a command as the player and returns the error code it was refused with (or 'ACCEPTED'). */
async function codeOf(command: Record<string, unknown>, session?: number): Promise<string> {
  try {
    await player.request(command as AnyCommandInput, session === undefined ? {} : { session });
    return 'ACCEPTED';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** Runs the attempts, checks each was UNAUTHORISED, and that nothing anywhere changed because of them. */
async function expectAllRefused(
  attempts: readonly { name: string; command: Record<string, unknown>; session?: number }[],
): Promise<void> {
  const before = fingerprint(server);
  const watched = collect(admin);
  const codes: Record<string, string> = {};
  for (const attempt of attempts) codes[attempt.name] = await codeOf(attempt.command, attempt.session);
  expect(codes).toEqual(Object.fromEntries(attempts.map((attempt) => [attempt.name, 'UNAUTHORISED'])));
  expect(fingerprint(server)).toEqual(before);
  // Nothing was broadcast either: the game master's connection saw only the closing mark.
  await settle(admin, [admin, player], `refused ${attempts.length}`);
  expect(watched.map((w) => w.event.type)).toEqual(['pinged']);
}

describe('[AUTH-3] a player connection', () => {
  it('is welcomed as its player, in its session', () => {
    expect(player.welcome).toMatchObject({ role: 'player', player: a.players[0]?.id, session: a.session.id });
  });

  it('[AUTH-2] is refused every admin and internal command, generated from COMMAND_DEFS, and nothing changes', async () => {
    const samples = samplesFor(['admin', 'internal']);
    // The list really is every such command (a sanity check on the generator, not on the server).
    expect(samples.map((s) => s.type)).toEqual(
      expect.arrayContaining(['session.add', 'game.start', 'timer.fire']),
    );
    expect(samples.length).toBeGreaterThan(50);
    await expectAllRefused(
      samples.map((s) => ({
        name: s.type,
        command: s.command,
        ...(s.scope === 'session' ? { session: a.session.id } : {}),
      })),
    );
  });

  it('is refused every session command for another session, or a session that does not exist', async () => {
    const samples = samplesFor(['public', 'player']).filter((s) => s.scope === 'session');
    expect(samples.map((s) => s.type)).toEqual(
      expect.arrayContaining(['session.state', 'team.list', 'location.send', 'catch', 'complete']),
    );
    await expectAllRefused([
      ...samples.map((s) => ({ name: `${s.type}@B`, command: s.command, session: b.session.id })),
      // Not NOT_FOUND: a player learns nothing about which sessions exist.
      ...samples.map((s) => ({ name: `${s.type}@999`, command: s.command, session: 999 })),
    ]);
  });

  it('is refused acting for another team or player of its own session, and nothing changes', async () => {
    const own = found(a.teams[0], 'team A0').id;
    const session = a.session.id;
    const state = await player.request({ type: 'session.state' });
    // Another team that runs, so that completing one of its offers would be valid but for ownership
    // (which team the draw made catcher varies; of three teams with one catcher, one such team is left).
    const otherTeam = found(
      state.teams.find((t) => t.id !== own && t.role === 'Runner'),
      'a runner team other than A0',
    );
    const other = otherTeam.id;
    const otherPlayer = found(
      a.players[a.teams.findIndex((t) => t.id === other)],
      `the player of team ${other}`,
    ).id;
    const challenge = found(otherTeam.offers[0], `an offer in team ${other}'s hand`).challengeId;
    await expectAllRefused([
      { name: 'team.rename other', command: { type: 'team.rename', team: other, name: 'Hijacked' }, session },
      {
        name: 'catch as other',
        command: { type: 'catch', catcher: other, caught: own, periodId: otherTeam.periodId },
        session,
      },
      {
        name: 'complete for other',
        command: { type: 'complete', team: other, challenge, periodId: otherTeam.periodId },
        session,
      },
      {
        name: 'location.send for other',
        command: { type: 'location.send', player: otherPlayer, location: fix(clock, 1) },
        session,
      },
    ]);
  });

  it('may do the same for its own team and itself (the refusals above are about ownership)', async () => {
    const own = found(a.teams[0], 'team A0').id;
    // Renaming is locked while the game runs (LOCK-1): the own team gets that far, past the ownership check.
    expect(await codeOf({ type: 'team.rename', team: own, name: 'Renamed A' }, a.session.id)).toBe(
      'GAME_IN_PROGRESS',
    );
    const before = await player.request({ type: 'session.state' });
    const ownTeam = found(
      before.teams.find((t) => t.id === own),
      `team ${own} in the session state`,
    );
    expect(
      await codeOf({ type: 'complete', team: own, challenge: 999, periodId: ownTeam.periodId }, a.session.id),
    ).toBe('NOT_FOUND');
    expect(await player.request({ type: 'location.send', location: fix(clock, 2) })).toEqual({
      accepted: true,
    });
    expect(
      await player.request({ type: 'location.send', player: a.players[0]?.id, location: fix(clock, 40) }),
    ).toEqual({ accepted: true });
  });

  it('reads its own session without naming it (the welcome says which)', async () => {
    const state = await player.request({ type: 'session.state' });
    expect(state.session.id).toBe(a.session.id);
    expect(state.players.map((p) => p.id).sort()).toEqual(a.players.map((p) => p.id).sort());
    expect(await player.request({ type: 'team.list' })).toHaveLength(3);
    expect((await player.request({ type: 'config.get' })).effective.numCatchers).toBe(1);
  });
});
