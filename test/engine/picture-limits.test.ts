import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import type { Command } from '../../src/protocol/commands/index.js';
import { MAX_PERIOD_PICTURES, MAX_PLAYER_PICTURE_BYTES_PER_DAY } from '../../src/protocol/pictures.js';
import { StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession, type SessionSetup } from '../game/support/setup.js';
import { accepted, teamOf, type TeamView } from '../game/support/world.js';
import { found } from '../helpers/index.js';

const SYSTEM: Actor = { kind: 'system' };
const DAY_MS = 24 * 3_600_000;
let nextHash = 0;

/** A picture job's result: an image of `bytes` (metadata only: the engine never sees the bytes). */
function processed(
  target: Extract<Command, { type: 'picture.processed' }>['target'],
  uploadedBy: number | null,
  bytes = 4096,
) {
  const image = (): { width: number; height: number; bytes: number; mime: string; sha256: string } => ({
    width: 4,
    height: 4,
    bytes,
    mime: 'image/jpeg',
    sha256: (nextHash++).toString(16).padStart(64, '0'),
  });
  return {
    type: 'picture.processed',
    target,
    uploadedBy,
    result: { ok: true, full: image(), thumb: image() },
  } as const;
}

describe('[PICTURE-10] what stored pictures may take', () => {
  let d: StepDriver;
  let s: SessionSetup;

  beforeEach(async () => {
    d = new StepDriver(zurich(9, 30), 7, await demoCatalogueState());
    s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
  });

  it('a period holds at most MAX_PERIOD_PICTURES proof pictures: the next upload and the next recorded one are refused', async () => {
    const started = accepted<{ teams: TeamView[] }>(
      await d.call({ command: { type: 'game.start' }, session: s.session }),
    );
    const runner = started.teams.find((t) => t.role === 'Runner') as TeamView;
    const target = { kind: 'period', team: runner.id, period: 0 } as const;
    const player = playerOf(s, runner.id);
    if (player.kind !== 'player') throw new Error('not a player');
    // A completion makes the team's period 0, the one its proof pictures go to.
    const offer = found(teamOf(d.state(), runner.id).offers[0], 'the runner’s hand');
    const complete = {
      type: 'complete',
      team: runner.id,
      challenge: offer.challengeId,
      periodId: 0,
    } as const;
    expect(d.run(complete, s.session, player).outcome).toMatchObject({ ok: true });
    for (let i = 0; i < MAX_PERIOD_PICTURES; i++)
      expect(d.run(processed(target, player.player), undefined, SYSTEM).outcome).toMatchObject({ ok: true });
    expect(d.state().tables.team.get(runner.id)?.periods[0]?.pictures).toHaveLength(MAX_PERIOD_PICTURES);

    const limit = { code: 'PICTURE_LIMIT', details: { limit: 'period', max: MAX_PERIOD_PICTURES } };
    const upload = d.run({ type: 'picture.upload', target, data: 'AAAA' }, undefined, player);
    expect(upload.outcome).toMatchObject({ ok: false, error: limit });
    expect(upload.jobs).toEqual([]);
    const late = d.run(processed(target, player.player), undefined, SYSTEM);
    expect(late.outcome).toMatchObject({ ok: false, error: limit });
    expect(late.writes).toEqual([]);
    expect(d.state().tables.team.get(runner.id)?.periods[0]?.pictures).toHaveLength(MAX_PERIOD_PICTURES);
  });

  it('a player’s pictures of the last 24 hours may take MAX_PLAYER_PICTURE_BYTES_PER_DAY; a day later there is room again; game masters have no such limit', () => {
    const player = s.players[0] as number;
    const target = { kind: 'player', player } as const;
    // Two pictures of a quarter of the limit each (image and thumbnail): half the limit per picture.
    const quarter = MAX_PLAYER_PICTURE_BYTES_PER_DAY / 4;
    for (let i = 0; i < 2; i++)
      expect(d.run(processed(target, player, quarter), undefined, SYSTEM).outcome.ok).toBe(true);

    const limit = {
      code: 'PICTURE_LIMIT',
      details: {
        limit: 'player',
        usedBytes: MAX_PLAYER_PICTURE_BYTES_PER_DAY,
        maxBytes: MAX_PLAYER_PICTURE_BYTES_PER_DAY,
      },
    };
    const as = { kind: 'player', player } as const;
    expect(d.run({ type: 'picture.upload', target, data: 'AAAA' }, undefined, as).outcome).toMatchObject({
      ok: false,
      error: limit,
    });
    expect(d.run(processed(target, player), undefined, SYSTEM).outcome).toMatchObject({
      ok: false,
      error: limit,
    });
    // The game master's uploads for the same player are not counted against it, nor limited.
    expect(d.run(processed(target, null, quarter), undefined, SYSTEM).outcome.ok).toBe(true);

    d.advanceSync(DAY_MS);
    expect(d.run(processed(target, player), undefined, SYSTEM).outcome.ok).toBe(true);
  });
});
