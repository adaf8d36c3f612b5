import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import { seededRng } from '../../src/engine/rng.js';
import { emptyState, TABLE_NAMES, type EngineState } from '../../src/engine/state.js';
import { step, type StepResult } from '../../src/engine/step.js';
import type { Command } from '../../src/protocol/commands/index.js';
import { applyWrites } from '../../src/runtime/apply.js';
import { PassphraseSealer } from '../../src/runtime/passphrase.js';
import type { MutableState } from '../../src/store/store.js';

const NOW = Date.UTC(2026, 5, 13, 8, 0);
const admin: Actor = { kind: 'admin' };
const system: Actor = { kind: 'system' };
const sealer = new PassphraseSealer(Buffer.alloc(32, 7));

function run(
  state: EngineState,
  command: Command,
  options: { actor?: Actor; session?: number; now?: number; seed?: number } = {},
): StepResult {
  return step(
    state,
    { command, actor: options.actor ?? admin, session: options.session },
    { now: options.now ?? NOW, rng: seededRng(options.seed ?? 42) },
  );
}

/** Applies a step's writes to a copy of the state, as the runtime does after a commit. */
function applied(state: EngineState, result: StepResult): EngineState {
  const copy = emptyState() as unknown as MutableState;
  for (const name of TABLE_NAMES) {
    const table = copy.tables[name] as Map<number, unknown>;
    for (const [id, doc] of state.tables[name]) table.set(id, doc);
  }
  Object.assign(copy.nextIds, state.nextIds);
  for (const [stream, seq] of state.streams) copy.streams.set(stream, seq);
  applyWrites(copy, result.writes);
  return copy;
}

/** Runs a command that must succeed and returns the state after it. */
function runOk(state: EngineState, command: Command, options: Parameters<typeof run>[2] = {}): EngineState {
  const result = run(state, command, options);
  expect(result.outcome).toMatchObject({ ok: true });
  return applied(state, result);
}

function okResult(result: StepResult): unknown {
  if (result.outcome.ok !== true) throw new Error(`refused: ${JSON.stringify(result.outcome)}`);
  return result.outcome.result;
}

function expectRefused(result: StepResult, code: string): void {
  expect(result.outcome.ok).toBe(false);
  if (result.outcome.ok !== false) return;
  expect(result.outcome.error.code).toBe(code);
  expect(result.writes).toEqual([]);
  expect(result.broadcasts).toEqual([]);
  expect(result.jobs).toEqual([]);
  expect(result.shutdown).toBe(false);
}

describe('[PING-1] ping', () => {
  it('answers with the text and broadcasts it on the global stream, writing nothing', () => {
    const result = run(emptyState(), { type: 'ping', text: 'hello' });
    expect(result).toEqual({
      outcome: { ok: true, result: { text: 'hello' } },
      writes: [],
      broadcasts: [{ session: null, audience: 'all', event: { type: 'pinged', text: 'hello' } }],
      jobs: [],
      shutdown: false,
      reads: new Set(),
    });
  });

  it('without a text is only answered: no broadcast, no write', () => {
    const result = run(emptyState(), { type: 'ping' });
    expect(result.outcome).toEqual({ ok: true, result: { text: null } });
    expect(result.broadcasts).toEqual([]);
    expect(result.writes).toEqual([]);
  });
});

/*
 * Entity shapes grow with later issues (teams, games): these tests pin the fields the foundation
 * defines and the shape of the writes and broadcasts, and stay valid when fields are added.
 */
describe('[SESSION-1] session.add', () => {
  it('creates the session with the next id, defaults, and an admin broadcast', () => {
    const result = run(emptyState(), { type: 'session.add', name: 'Zürich' });
    const session = { id: 1, name: 'Zürich', mode: 'Traditional', timeZone: 'Europe/Zurich' };
    expect(result.outcome).toMatchObject({ ok: true, result: session });
    expect(result.writes).toHaveLength(2);
    expect(result.writes[0]).toEqual({ op: 'nextId', table: 'session', next: 2 });
    expect(result.writes[1]).toMatchObject({
      op: 'put',
      table: 'session',
      id: 1,
      doc: { ...session, createdAt: NOW },
    });
    expect(result.broadcasts).toHaveLength(1);
    expect(result.broadcasts[0]).toMatchObject({
      session: null,
      audience: 'admins',
      event: { type: 'session.added', session },
    });
    // The broadcast shows the same session as the response.
    expect(result.broadcasts[0]?.event).toEqual({ type: 'session.added', session: okResult(result) });
    expect(result.jobs).toEqual([]);
    expect(result.shutdown).toBe(false);
  });

  it('keeps the given mode and time zone', () => {
    const result = run(emptyState(), {
      type: 'session.add',
      name: 'Winter',
      mode: 'Gfrorefurz',
      timeZone: 'America/New_York',
    });
    expect(result.outcome).toMatchObject({
      ok: true,
      result: { id: 1, name: 'Winter', mode: 'Gfrorefurz', timeZone: 'America/New_York' },
    });
  });

  it('refuses a duplicate name (case-insensitively) with ALREADY_EXISTS and writes nothing', () => {
    const state = runOk(emptyState(), { type: 'session.add', name: 'OG' });
    expectRefused(run(state, { type: 'session.add', name: 'OG' }), 'ALREADY_EXISTS');
    expectRefused(run(state, { type: 'session.add', name: 'og' }), 'ALREADY_EXISTS');
  });

  it('refuses a time zone that is not an IANA zone with INVALID and writes nothing', () => {
    const result = run(emptyState(), { type: 'session.add', name: 'X', timeZone: 'Mars/Olympus_Mons' });
    expectRefused(result, 'INVALID');
    expect(result.outcome).toMatchObject({ error: { details: { field: 'timeZone' } } });
  });
});

describe('[PLAYER-1] player.add', () => {
  it('creates a player from a sealed passphrase and never shows the passphrase', () => {
    const sealed = sealer.seal('correct horse');
    const result = run(emptyState(), { type: 'player.add', name: 'Anna', passphrase: sealed });
    const player = { id: 1, name: 'Anna', session: null };
    expect(result.outcome).toMatchObject({ ok: true, result: player });
    expect(result.broadcasts).toHaveLength(1);
    expect(result.broadcasts[0]).toMatchObject({ session: null, audience: 'admins' });
    expect(result.broadcasts[0]?.event).toEqual({ type: 'player.added', player: okResult(result) });
    const [, lookup, salt, hash] = sealed.split(':').slice(1);
    expect(result.writes).toHaveLength(2);
    expect(result.writes[0]).toEqual({ op: 'nextId', table: 'player', next: 2 });
    expect(result.writes[1]).toMatchObject({
      op: 'put',
      table: 'player',
      id: 1,
      doc: { ...player, passphrase: { lookup, salt, hash }, createdAt: NOW },
    });
    // A login finds the player by the stored lookup digest of the same passphrase (and of no other), and
    // nothing a client sees carries any part of it.
    const doc = result.writes[1];
    const stored = doc?.op === 'put' && 'passphrase' in doc.doc ? doc.doc.passphrase : null;
    if (stored === null) throw new Error('no passphrase stored');
    expect(stored.lookup).toBe(sealer.lookup('correct horse'));
    expect(stored.lookup).not.toBe(sealer.lookup('wrong horse'));
    const visible = JSON.stringify([result.outcome, result.broadcasts]);
    for (const part of [lookup, salt, hash, 'passphrase']) expect(visible).not.toContain(part);
  });

  it('puts the player in an existing session', () => {
    const state = runOk(emptyState(), { type: 'session.add', name: 'S' });
    const result = run(state, {
      type: 'player.add',
      name: 'Ben',
      passphrase: sealer.seal('pw-ben'),
      session: 1,
    });
    expect(result.outcome).toMatchObject({ ok: true, result: { id: 1, name: 'Ben', session: 1 } });
  });

  it('refuses an unsealed passphrase with BAD_DATA', () => {
    expectRefused(run(emptyState(), { type: 'player.add', name: 'A', passphrase: 'plain text' }), 'BAD_DATA');
    const forged = `sealed:v1:${'0'.repeat(64)}:${'0'.repeat(31)}:${'0'.repeat(64)}`;
    expectRefused(run(emptyState(), { type: 'player.add', name: 'A', passphrase: forged }), 'BAD_DATA');
  });

  it('refuses a passphrase another player has (sealed again, with another salt) with ALREADY_EXISTS', () => {
    const state = runOk(emptyState(), {
      type: 'player.add',
      name: 'A',
      passphrase: sealer.seal('same words'),
    });
    const again = sealer.seal('same words');
    expectRefused(run(state, { type: 'player.add', name: 'B', passphrase: again }), 'ALREADY_EXISTS');
    // A different passphrase is fine.
    expect(
      run(state, { type: 'player.add', name: 'B', passphrase: sealer.seal('other words') }).outcome,
    ).toMatchObject({ ok: true, result: { id: 2, name: 'B', session: null } });
  });

  it('refuses an unknown session with NOT_FOUND', () => {
    const result = run(emptyState(), {
      type: 'player.add',
      name: 'A',
      passphrase: sealer.seal('pw-a1'),
      session: 9,
    });
    expectRefused(result, 'NOT_FOUND');
    expect(result.outcome).toMatchObject({ error: { details: { entity: 'session', id: 9 } } });
  });
});

describe('[PROTOCOL-3][AUTH-2] scope and access rules', () => {
  const withSession = runOk(emptyState(), { type: 'session.add', name: 'S' });

  it('refuses a global command that names a session with SESSION_SUPPLIED', () => {
    expectRefused(run(withSession, { type: 'ping' }, { session: 1 }), 'SESSION_SUPPLIED');
    expectRefused(run(withSession, { type: 'session.list' }, { session: 1 }), 'SESSION_SUPPLIED');
  });

  it('refuses a session command without a session with NO_SESSION_SUPPLIED', () => {
    expectRefused(run(withSession, { type: 'announcement.list' }), 'NO_SESSION_SUPPLIED');
    expectRefused(
      run(withSession, { type: 'announcement.schedule', text: 'x', at: NOW }),
      'NO_SESSION_SUPPLIED',
    );
  });

  it('refuses a session command naming an unknown session with NOT_FOUND', () => {
    const result = run(withSession, { type: 'announcement.schedule', text: 'x', at: NOW }, { session: 2 });
    expectRefused(result, 'NOT_FOUND');
    expect(result.outcome).toMatchObject({ error: { details: { entity: 'session', id: 2 } } });
  });

  it('refuses internal commands from anyone but the system with UNAUTHORISED', () => {
    const internal: [Command, number | undefined][] = [
      [{ type: 'timer.fire', timer: 1 }, undefined],
      [{ type: 'announcement.deliver', text: 'x' }, 1],
      [{ type: 'server.backup.done', file: '/tmp/x', totalPages: 1, error: null }, undefined],
    ];
    for (const [command, session] of internal) {
      expectRefused(run(withSession, command, { session, actor: admin }), 'UNAUTHORISED');
      expectRefused(
        run(withSession, command, { session, actor: { kind: 'player', player: 1 } }),
        'UNAUTHORISED',
      );
      expect(run(withSession, command, { session, actor: system }).outcome.ok).not.toBe(false);
    }
  });

  it('refuses admin commands from a player with UNAUTHORISED', () => {
    expectRefused(
      run(withSession, { type: 'session.list' }, { actor: { kind: 'player', player: 1 } }),
      'UNAUTHORISED',
    );
  });
});

describe('server commands', () => {
  it('server.shutdown asks for shutdown and writes nothing', () => {
    expect(run(emptyState(), { type: 'server.shutdown' })).toEqual({
      outcome: { ok: true, result: { shuttingDown: true } },
      writes: [],
      broadcasts: [],
      jobs: [],
      shutdown: true,
      reads: new Set(),
    });
  });

  it('[DURABILITY-7] server.backup takes a plain file name only: a path is INVALID and starts no job', () => {
    for (const file of ['/tmp/b.db', '../b.db', 'backups/b.db', '.hidden', 'b.db\u0000x']) {
      const result = run(emptyState(), { type: 'server.backup', file });
      expect(result.outcome).toMatchObject({
        ok: false,
        error: { code: 'INVALID', details: { rule: 'backup-name' } },
      });
      expect(result.jobs).toEqual([]);
    }
  });

  it('server.backup is deferred to a background job; its result command answers', () => {
    expect(run(emptyState(), { type: 'server.backup', file: 'b.db' })).toEqual({
      outcome: { ok: 'deferred' },
      writes: [],
      broadcasts: [],
      jobs: [{ kind: 'backup', input: { file: 'b.db' } }],
      shutdown: false,
      reads: new Set(),
    });
    const done = run(
      emptyState(),
      { type: 'server.backup.done', file: '/tmp/b.db', totalPages: 3, error: null },
      { actor: system },
    );
    expect(done.outcome).toEqual({ ok: true, result: { file: '/tmp/b.db', totalPages: 3 } });
    const failed = run(
      emptyState(),
      { type: 'server.backup.done', file: '/tmp/b.db', totalPages: null, error: 'disk full' },
      { actor: system },
    );
    expectRefused(failed, 'TEXT_ERROR');
  });
});

describe('[TIMER-3] announcement timers', () => {
  const base = runOk(emptyState(), { type: 'session.add', name: 'S' });
  const at = NOW + 60_000;

  it('scheduling writes a durable timer record that runs announcement.deliver', () => {
    const result = run(base, { type: 'announcement.schedule', text: 'Go!', at }, { session: 1 });
    expect(result.outcome).toEqual({ ok: true, result: { id: 1, text: 'Go!', at } });
    expect(result.writes).toEqual([
      { op: 'nextId', table: 'timer', next: 2 },
      {
        op: 'put',
        table: 'timer',
        id: 1,
        doc: {
          id: 1,
          dueAt: at,
          session: 1,
          command: { type: 'announcement.deliver', text: 'Go!' },
          pausedRemainingMs: null,
        },
      },
    ]);
    expect(result.broadcasts).toEqual([]);
  });

  it('a due timer.fire deletes the record and broadcasts the announcement to the session', () => {
    const state = runOk(base, { type: 'announcement.schedule', text: 'Go!', at }, { session: 1 });
    const result = run(state, { type: 'timer.fire', timer: 1 }, { actor: system, now: at });
    expect(result.outcome).toEqual({ ok: true, result: { fired: true } });
    expect(result.writes).toEqual([{ op: 'delete', table: 'timer', id: 1 }]);
    expect(result.broadcasts).toEqual([
      { session: 1, audience: 'all', event: { type: 'announcement', text: 'Go!' } },
    ]);
    // Fired once: a second fire of the same timer does nothing.
    const again = run(
      applied(state, result),
      { type: 'timer.fire', timer: 1 },
      { actor: system, now: at + 1 },
    );
    expect(again).toMatchObject({
      outcome: { ok: true, result: { fired: false } },
      writes: [],
      broadcasts: [],
    });
  });

  it('a timer.fire before the due time does nothing', () => {
    const state = runOk(base, { type: 'announcement.schedule', text: 'Go!', at }, { session: 1 });
    const early = run(state, { type: 'timer.fire', timer: 1 }, { actor: system, now: at - 1 });
    expect(early).toMatchObject({
      outcome: { ok: true, result: { fired: false } },
      writes: [],
      broadcasts: [],
    });
  });

  it('timer.fire of a missing or cancelled timer is ignored', () => {
    const missing = run(base, { type: 'timer.fire', timer: 77 }, { actor: system, now: at });
    expect(missing).toEqual({
      outcome: { ok: true, result: { fired: false } },
      writes: [],
      broadcasts: [],
      jobs: [],
      shutdown: false,
      // It looked for the timer: its answer waits for any pending change of the timers (PROTOCOL-8).
      reads: new Set(['timer']),
    });
    const scheduled = runOk(base, { type: 'announcement.schedule', text: 'Go!', at }, { session: 1 });
    const cancel = run(scheduled, { type: 'announcement.cancel', id: 1 }, { session: 1 });
    expect(cancel.outcome).toEqual({ ok: true, result: { cancelled: true } });
    expect(cancel.writes).toEqual([{ op: 'delete', table: 'timer', id: 1 }]);
    const cancelled = applied(scheduled, cancel);
    const fire = run(cancelled, { type: 'timer.fire', timer: 1 }, { actor: system, now: at });
    expect(fire).toMatchObject({
      outcome: { ok: true, result: { fired: false } },
      writes: [],
      broadcasts: [],
    });
    // Cancelling twice is NOT_FOUND, and so is cancelling in another session.
    expectRefused(run(cancelled, { type: 'announcement.cancel', id: 1 }, { session: 1 }), 'NOT_FOUND');
    const two = runOk(scheduled, { type: 'session.add', name: 'T' });
    expectRefused(run(two, { type: 'announcement.cancel', id: 1 }, { session: 2 }), 'NOT_FOUND');
  });

  it('announcement.list shows the session’s announcements earliest first', () => {
    let state = runOk(base, { type: 'session.add', name: 'Other' });
    state = runOk(state, { type: 'announcement.schedule', text: 'late', at: at + 2 }, { session: 1 });
    state = runOk(state, { type: 'announcement.schedule', text: 'early', at }, { session: 1 });
    state = runOk(state, { type: 'announcement.schedule', text: 'elsewhere', at }, { session: 2 });
    expect(run(state, { type: 'announcement.list' }, { session: 1 }).outcome).toEqual({
      ok: true,
      result: [
        { id: 2, text: 'early', at },
        { id: 1, text: 'late', at: at + 2 },
      ],
    });
  });
});

describe('[PROTOCOL-5] ids', () => {
  it('are never reused: not after a cancel, not after a refused command', () => {
    let state = runOk(emptyState(), { type: 'session.add', name: 'S' });
    expect(run(state, { type: 'session.add', name: 's' }).outcome.ok).toBe(false);
    const second = run(state, { type: 'session.add', name: 'T' });
    expect(second.outcome).toMatchObject({ ok: true, result: { id: 2 } });
    state = applied(state, second);

    const schedule = (text: string): number => {
      const result = run(state, { type: 'announcement.schedule', text, at: NOW + 1000 }, { session: 1 });
      if (result.outcome.ok !== true) throw new Error('schedule refused');
      state = applied(state, result);
      return (result.outcome.result as { id: number }).id;
    };
    const a = schedule('a');
    const b = schedule('b');
    state = runOk(state, { type: 'announcement.cancel', id: b }, { session: 1 });
    state = runOk(state, { type: 'timer.fire', timer: a }, { actor: system, now: NOW + 1000 });
    expect(state.tables.timer.size).toBe(0);
    const c = schedule('c');
    expect([a, b, c]).toEqual([1, 2, 3]);
  });
});

describe('[TIME-3] determinism', () => {
  it('the same state, command, time and seed give the same result', () => {
    const state = runOk(emptyState(), { type: 'session.add', name: 'S' });
    const command: Command = { type: 'announcement.schedule', text: 'x', at: NOW };
    expect(run(state, command, { session: 1, seed: 5 })).toEqual(
      run(state, command, { session: 1, seed: 5 }),
    );
  });

  it('a step does not modify the state it is given', () => {
    const state = runOk(emptyState(), { type: 'session.add', name: 'S' });
    const before = JSON.stringify([[...state.tables.session], state.nextIds]);
    run(state, { type: 'session.add', name: 'T' });
    run(state, { type: 'announcement.schedule', text: 'x', at: NOW }, { session: 1 });
    expect(JSON.stringify([[...state.tables.session], state.nextIds])).toBe(before);
    expect(state.tables.timer.size).toBe(0);
  });
});
