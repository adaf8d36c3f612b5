import { beforeAll, describe, expect, it } from 'vitest';
import { crossings, GLOBAL, sessionPart } from '../../src/engine/parts.js';
import { step, type StepInput, type StepResult } from '../../src/engine/step.js';
import { seededRng } from '../../src/engine/rng.js';
import { sessionView } from '../../src/engine/views.js';
import { StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, setUpSession, type SessionSetup } from '../game/support/setup.js';
import { found } from '../helpers/index.js';

/**
 * A global step that changes what a session's players see does not number the session's stream: it
 * reports `session.announce`, which broadcasts the same event in the session's part (CLUSTER-22).
 */
describe('[CLUSTER-22] global steps announce on a session’s stream through a step in the session’s part', () => {
  let d: StepDriver;
  let s: SessionSetup;

  beforeAll(async () => {
    d = new StepDriver(zurich(9, 30), 6, await demoCatalogueState());
    s = await setUpSession(d, { teams: 1, perTeam: 1, config: { numCatchers: 1 } });
  });

  /** Runs a step and the steps it reports, each with where it ran and what it touched outside. */
  const run = (input: StepInput) => {
    const steps: { input: StepInput; result: StepResult; crossed: ReturnType<typeof crossings> }[] = [];
    d.onStep = (stepped, result, before) =>
      steps.push({
        input: stepped,
        result,
        crossed: crossings(stepped, result.writes, before, result.broadcasts),
      });
    d.exec(input);
    d.onStep = undefined;
    return steps;
  };

  /** The global step, then its announcement: both stay in their parts; the event reaches the session. */
  const expectAnnounced = (steps: ReturnType<typeof run>, event: object): void => {
    const [global, announce] = steps;
    expect(steps).toHaveLength(2);
    expect(found(global, 'the global step').crossed).toMatchObject({ step: { part: GLOBAL }, outside: [] });
    expect(global?.result.broadcasts.filter((b) => b.session !== null)).toEqual([]);
    expect(global?.result.reports).toEqual([
      { command: { type: 'session.announce', event }, session: s.session },
    ]);
    const reported = found(announce, 'the announcement');
    expect(reported.input.command.type).toBe('session.announce');
    expect(reported.result.outcome).toEqual({ ok: true, result: { announced: true } });
    expect(reported.crossed).toEqual({
      step: { part: sessionPart(s.session), command: 'session.announce' },
      outside: [],
    });
    expect(reported.result.writes).toEqual([]);
    expect(reported.result.broadcasts).toEqual([{ session: s.session, audience: 'all', event }]);
  };

  it('[CLUSTER-22] session.edit writes the global part and reports its session.changed, which the session’s part broadcasts', () => {
    const steps = run({
      command: { type: 'session.edit', name: 'Umbenannt' },
      actor: { kind: 'admin' },
      session: s.session,
    });
    const answer = found(steps[0], 'session.edit').result.outcome;
    expect(answer).toMatchObject({ ok: true, result: { id: s.session, name: 'Umbenannt' } });
    const renamed = (answer as { result: object }).result;
    expectAnnounced(steps, { type: 'session.changed', session: renamed });
  });

  it('[CLUSTER-22] a profile picture: picture.processed tells the admins on the global stream and reports player.changed for the player’s session', () => {
    const player = found(s.players[0], 'a player');
    const image = { width: 4, height: 4, bytes: 64, mime: 'image/jpeg', sha256: '3'.repeat(64) };
    const steps = run({
      command: {
        type: 'picture.processed',
        target: { kind: 'player', player },
        uploadedBy: player,
        result: { ok: true, full: image, thumb: image },
      },
      actor: { kind: 'system' },
      session: undefined,
    });
    const global = found(steps[0], 'picture.processed');
    const [admins] = global.result.broadcasts;
    expect(global.result.broadcasts).toHaveLength(1);
    expect(admins).toMatchObject({ session: null, audience: 'admins', event: { type: 'player.changed' } });
    const event = found(admins, 'the admins’ broadcast').event;
    const picture = found(d.state().tables.player.get(player), 'the player').picture;
    expect(event).toMatchObject({ player: { id: player, picture } });
    expect(picture).not.toBeNull();
    expectAnnounced(steps, event);
  });

  it('[CLUSTER-22] session.announce is the engine’s own: a game master or player sending it is refused UNAUTHORISED', () => {
    const command = {
      type: 'session.announce',
      event: {
        type: 'session.changed',
        session: sessionView(found(d.state().tables.session.get(s.session), 's')),
      },
    } as const;
    const player = found(s.players[0], 'a player');
    for (const actor of [{ kind: 'admin' }, { kind: 'player', player }] as const) {
      const result = step(
        d.state(),
        { command, actor, session: s.session },
        { now: d.now(), rng: seededRng(1) },
      );
      expect(result.outcome).toMatchObject({ ok: false, error: { code: 'UNAUTHORISED' } });
      expect([result.writes, result.broadcasts]).toEqual([[], []]);
    }
  });
});
