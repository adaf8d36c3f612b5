import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import { emptyState } from '../../src/engine/state.js';
import type { Command } from '../../src/protocol/commands/index.js';
import { ADMINS_ONLY } from '../../src/runtime/audience.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Inbound } from '../../src/runtime/inbound.js';
import type { Peer } from '../../src/runtime/peer.js';
import { Replies } from '../../src/runtime/replies.js';
import { Stepper } from '../../src/runtime/stepper.js';
import { TurnBatch } from '../../src/runtime/turn-batch.js';
import type { MutableState } from '../../src/store/store.js';

const admin: Peer = {
  id: 'a',
  actor: { kind: 'admin' },
  session: null,
  send: () => undefined,
  close: () => undefined,
};

function setUp(): { state: MutableState; stepper: Stepper; clock: FakeClock } {
  const state = emptyState() as unknown as MutableState;
  const clock = new FakeClock();
  return { state, clock, stepper: new Stepper(state, clock, new Replies(() => undefined)) };
}

const request = (requestId: string, command: Command, actor?: Actor): Inbound => ({
  source: 'client',
  peer: admin,
  ...(actor === undefined ? {} : { actor }),
  reply: { clientKey: 'admin/c', requestId },
  command,
  session: undefined,
});

describe('stepping one item', () => {
  it('applies a change to memory and collects everything its commit needs', () => {
    const { state, stepper, clock } = setUp();
    const batch = new TurnBatch();
    const stepped = stepper.step(request('r1', { type: 'session.add', name: 'Zug' }), batch);
    expect(state.tables.session.get(1)).toMatchObject({ name: 'Zug' });
    expect(JSON.parse(stepped.frame as string)).toMatchObject({ type: 'response', id: 'r1', ok: true });
    expect(batch.writes).toEqual(stepped.result.writes);
    // The broadcast is numbered and its recipients resolved now.
    expect(stepped.broadcasts).toEqual(batch.broadcasts);
    expect(batch.broadcasts).toMatchObject([
      { stream: 'global', seq: 1, at: clock.now(), recipients: ADMINS_ONLY },
    ]);
    // The journal has what replay needs: the input, the clock reading and the seed.
    const journaled = JSON.parse(batch.journal[0]?.input as string) as Record<string, unknown>;
    expect(journaled).toMatchObject({
      command: { type: 'session.add' },
      actor: { kind: 'admin' },
      now: clock.now(),
    });
    expect(journaled.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(batch.answers).toEqual([
      { client: 'admin/c', request: 'r1', at: clock.now(), response: stepped.frame },
    ]);
    expect(batch.empty).toBe(false);
    // Undone, newest change first: memory is as before.
    for (let i = batch.undo.length - 1; i >= 0; i--) batch.undo[i]?.();
    expect(state.tables.session.size).toBe(0);
    expect(state.streams.get('global')).toBe(0);
  });

  it('[IDEMPOTENCY-5] keeps no answer of a read or a refusal, and defers a job’s answer', () => {
    const { stepper } = setUp();
    const batch = new TurnBatch();
    stepper.step(request('read', { type: 'session.list' }), batch);
    expect(batch.empty).toBe(true);
    const refused = stepper.step(request('refused', { type: 'session.list' }, { kind: 'guest' }), batch);
    expect(JSON.parse(refused.frame as string)).toMatchObject({ ok: false, error: { code: 'UNAUTHORISED' } });
    expect(batch.answers).toEqual([]);
    expect(batch.journal).toEqual([]);
    expect(batch.empty).toBe(true);
    const deferred = stepper.step(request('backup', { type: 'server.backup', file: 'x.db' }), batch);
    expect(deferred.frame).toBeUndefined();
    expect(deferred.result.jobs).toEqual([{ kind: 'backup', input: { file: 'x.db' } }]);
  });

  it('runs the engine’s own items as the system, and seeds every step afresh', () => {
    const { stepper } = setUp();
    const batch = new TurnBatch();
    stepper.step(request('s', { type: 'session.add', name: 'S' }), batch);
    stepper.step({ source: 'system', command: { type: 'session.add', name: 'T' } }, batch);
    const inputs = batch.journal.map((e) => JSON.parse(e.input) as { actor: Actor; seed: string });
    expect(inputs.map((i) => i.actor.kind)).toEqual(['admin', 'system']);
    expect(inputs[0]?.seed).not.toBe(inputs[1]?.seed);
  });
});
