import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import { emptyState } from '../../src/engine/state.js';
import type { Command } from '../../src/protocol/commands/index.js';
import { encodeResponse } from '../../src/protocol/encode.js';
import { ADMINS_ONLY } from '../../src/runtime/audience.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Inbound } from '../../src/runtime/inbound.js';
import type { Peer } from '../../src/runtime/peer.js';
import { Replies } from '../../src/runtime/replies.js';
import { Stepper } from '../../src/runtime/stepper.js';
import { BlobsInFlight } from '../../src/runtime/blobs-in-flight.js';
import { TurnBatch } from '../../src/runtime/turn-batch.js';
import { readJournalInput } from '../../src/store/journal-input.js';
import type { MutableState } from '../../src/store/store.js';
import { found } from '../helpers/found.js';

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
  return {
    state,
    clock,
    stepper: new Stepper(state, clock, new Replies(() => undefined), new BlobsInFlight()),
  };
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
    // The journal has what replay needs: the input and the clock reading (its row's time); no seed, since
    // adding a session draws nothing from the RNG (DURABILITY-9).
    const [row] = batch.journal;
    expect(row?.at).toBe(clock.now());
    expect(readJournalInput(found(row, 'the journal row'))).toEqual({
      command: { type: 'session.add', name: 'Zug' },
      actor: { kind: 'admin' },
      session: undefined,
      now: clock.now(),
      seed: undefined,
      tokenHash: undefined,
      subjects: [],
    });
    // The kept answer is the response without its envelope.
    expect(batch.answers.map(({ answer: _answer, ...key }) => key)).toEqual([
      { client: 'admin/c', request: 'r1', at: clock.now() },
    ]);
    expect(batch.answers[0]?.answer).toMatch(/^\{"ok":true,"result":/);
    expect(encodeResponse('r1', found(batch.answers[0], 'the answer').answer)).toBe(stepped.frame);
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

  it('runs the engine’s own items as the system', () => {
    const { stepper } = setUp();
    const batch = new TurnBatch();
    stepper.step(request('s', { type: 'session.add', name: 'S' }), batch);
    stepper.step({ source: 'system', command: { type: 'session.add', name: 'T' } }, batch);
    const inputs = batch.journal.map(readJournalInput);
    expect(inputs.map((i) => i.actor.kind)).toEqual(['admin', 'system']);
  });
});
