import { pino } from 'pino';
import type { Actor } from '../../../src/engine/handler.js';
import { seededRng, type Rng } from '../../../src/engine/rng.js';
import { emptyState, type EngineState, type PendingBroadcast } from '../../../src/engine/state.js';
import { step, type StepInput, type StepResult } from '../../../src/engine/step.js';
import type { Audience, BroadcastEvent } from '../../../src/protocol/broadcasts.js';
import type { Command } from '../../../src/protocol/commands/index.js';
import type { ProtocolError } from '../../../src/protocol/errors.js';
import { applyWrites } from '../../../src/runtime/apply.js';
import { reaches, resolveRecipients, streamOf } from '../../../src/runtime/audience.js';
import { FakeClock } from '../../../src/runtime/clock.js';
import type { FrameKind, Peer } from '../../../src/runtime/peer.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import type { MutableState } from '../../../src/store/store.js';
import { toStateDocument } from '../../../src/store/state-json.js';
import { Inbox } from '../../helpers/index.js';

/** What a command answered. */
export type Reply = { ok: true; result: unknown } | { ok: false; error: ProtocolError };

export interface Call {
  readonly command: Command;
  readonly session?: number;
  /** Who sends it; the game master by default. A player must be connected first (`connectPlayer`). */
  readonly as?: Actor;
}

/** A broadcast as the game master's connection received it (the step driver also knows its audience). */
export interface SeenBroadcast {
  readonly session: number | null;
  readonly event: BroadcastEvent;
  readonly audience?: Audience;
}

/**
 * One way of running the engine: the pure `step` with a hand-made clock and timer loop, or a real
 * `Runtime` with a `FakeClock` and a SQLite store. A scenario written against this runs on both.
 */
export interface GameDriver {
  readonly name: string;
  now(): number;
  call(call: Call): Promise<Reply>;
  /** Sends all, in order, before waiting for any answer (the runtime batches them). */
  callAll(calls: readonly Call[]): Promise<Reply[]>;
  /** Moves the clock forward; every timer that falls due fires, in due order. */
  advance(ms: number): Promise<void>;
  state(): EngineState;
  /** Every broadcast so far, as the game master sees them, oldest first. */
  broadcasts(): readonly SeenBroadcast[];
  /** Opens a connection for a player (of `session`); from now on `seenBy` collects what it receives. */
  connectPlayer(player: number, session: number): void;
  /** The broadcast events a connected player received, oldest first. */
  seenBy(player: number): readonly BroadcastEvent[];
}

/**
 * Whether a player connection may see a broadcast (VISIBILITY-1, GRACE-2, VISIBILITY-4): the runtime's rule, with the recipients
 * resolved from the state right after the step, as the runtime resolves them when it commits.
 */
export function playerSees(
  state: EngineState,
  player: number,
  session: number,
  b: PendingBroadcast,
): boolean {
  const viewer = { actor: { kind: 'player', player }, session } as const;
  return reaches(resolveRecipients(state, b.audience), streamOf(b.session), viewer);
}

/** A journaled step, as the runtime journals it: the input with the clock reading and the RNG seed. */
export interface JournalEntry {
  readonly input: StepInput;
  readonly now: number;
  readonly seed: number;
}

/**
 * The pure engine driven by hand: each command is a `step` against the state with the driver's clock and
 * a seed drawn from the driver's seeded RNG; the writes are applied with `applyWrites`; advancing the clock
 * fires `timer.fire` for every timer record that falls due, in due order, at its due time.
 */
export class StepDriver implements GameDriver {
  readonly name = 'step';
  readonly journal: JournalEntry[] = [];
  readonly log: SeenBroadcast[] = [];
  private readonly current: MutableState;
  private readonly seeds: Rng;
  private readonly players = new Map<number, { session: number; seen: BroadcastEvent[] }>();
  private clock: number;
  /** The result of the latest step (its writes and broadcasts). */
  last: StepResult | undefined;
  /** Sees every step (reported ones and due timers included) before its writes are applied to `before`. */
  onStep: ((input: StepInput, result: StepResult, before: EngineState) => void) | undefined;

  constructor(start: number, seed: number, state?: MutableState) {
    this.clock = start;
    this.seeds = seededRng(seed);
    this.current = state ?? (emptyState() as unknown as MutableState);
  }

  now(): number {
    return this.clock;
  }

  state(): EngineState {
    return this.current;
  }

  /**
   * Runs one step and applies it, then the internal commands it reported, as the runtime does (CATCH-7);
   * returns the step's full result (writes, broadcasts, outcome).
   */
  exec(input: StepInput, loginTokenHash?: string): StepResult {
    const result = this.apply(input, loginTokenHash);
    this.last = result;
    for (const report of result.reports ?? [])
      this.apply({ command: report.command, actor: { kind: 'system' }, session: report.session });
    return result;
  }

  private apply(input: StepInput, loginTokenHash?: string): StepResult {
    const seed = this.seeds.int(0, 2 ** 32 - 1);
    const result = step(this.current, input, { now: this.clock, rng: seededRng(seed), loginTokenHash });
    this.onStep?.(input, result, this.current);
    applyWrites(this.current, result.writes);
    if (result.writes.length > 0) this.journal.push({ input, now: this.clock, seed });
    for (const b of result.broadcasts) {
      this.log.push({ session: b.session, event: b.event, audience: b.audience });
      for (const [player, p] of this.players)
        if (playerSees(this.current, player, p.session, b)) p.seen.push(b.event);
    }
    return result;
  }

  /** Runs a command as the given actor (the game master by default). */
  run(command: Command, session?: number, actor: Actor = { kind: 'admin' }): StepResult {
    return this.exec({ command, actor, session });
  }

  call(call: Call): Promise<Reply> {
    return Promise.resolve(toReply(this.run(call.command, call.session, call.as)));
  }

  async callAll(calls: readonly Call[]): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (const call of calls) replies.push(await this.call(call));
    return replies;
  }

  /** Fires each timer that falls due up to `now + ms`, in due order, at its due time. */
  advanceSync(ms: number): StepResult[] {
    const target = this.clock + ms;
    const fired: StepResult[] = [];
    for (;;) {
      const due = [...this.current.tables.timer.values()]
        .filter((t) => t.pausedRemainingMs === null && t.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)[0];
      if (due === undefined) break;
      this.clock = Math.max(this.clock, due.dueAt);
      fired.push(
        this.exec({
          command: { type: 'timer.fire', timer: due.id },
          actor: { kind: 'system' },
          session: undefined,
        }),
      );
    }
    this.clock = target;
    return fired;
  }

  advance(ms: number): Promise<void> {
    this.advanceSync(ms);
    return Promise.resolve();
  }

  broadcasts(): readonly SeenBroadcast[] {
    return this.log;
  }

  connectPlayer(player: number, session: number): void {
    this.players.set(player, { session, seen: [] });
  }

  seenBy(player: number): readonly BroadcastEvent[] {
    return this.players.get(player)?.seen ?? [];
  }
}

function toReply(result: StepResult): Reply {
  const outcome = result.outcome;
  if (outcome.ok === true) return { ok: true, result: outcome.result };
  if (outcome.ok === false) return { ok: false, error: outcome.error };
  throw new Error('a deferred answer in a game test');
}

/** A connection that lives in memory: the runtime's frames land in an inbox checked against the protocol. */
export class MemoryPeer implements Peer {
  readonly inbox = new Inbox();
  private nextId = 1;

  constructor(
    private readonly runtime: Runtime,
    readonly id: string,
    readonly actor: Actor,
    readonly session: number | null,
  ) {
    runtime.attach(this);
  }

  send(frame: string, _kind: FrameKind): void {
    this.inbox.receive(frame);
  }

  close(): void {
    this.runtime.detach(this);
  }

  submit(command: Command, session?: number, id = `${this.id}-${this.nextId++}`): string {
    this.runtime.submit({
      source: 'client',
      peer: this,
      reply: { clientKey: `${this.actor.kind}/${this.id}`, requestId: id },
      command,
      session,
    });
    return id;
  }

  async answer(id: string): Promise<Reply> {
    const message = await this.inbox.answer(id, 60_000);
    if (message.type !== 'response') throw new Error(`not a response: ${JSON.stringify(message)}`);
    return message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error };
  }

  events(): BroadcastEvent[] {
    return this.inbox.all.flatMap((m) => (m.type === 'broadcast' ? [m.event] : []));
  }
}

const silent = pino({ level: 'silent' });

/**
 * The real single writer: a `Runtime` over a SQLite store in `dataDir`, on a `FakeClock`. Commands go in
 * through in-memory connections (the game master's, and one per connected player) and are answered only
 * after their commit; the runtime's own timer scheduler fires due timers when the clock advances.
 */
export class RuntimeDriver implements GameDriver {
  readonly name = 'runtime';
  readonly clock: FakeClock;
  readonly store: SqliteStore;
  readonly runtime: Runtime;
  readonly admin: MemoryPeer;
  private readonly playerPeers = new Map<number, MemoryPeer>();

  /** `initial` (optional) is imported into the fresh store first, as the journal's base (import-state). */
  constructor(dataDir: string, start: number, initial?: MutableState) {
    this.clock = new FakeClock(start);
    this.store = SqliteStore.open(dataDir);
    if (initial !== undefined) this.store.replaceState(initial, JSON.stringify(toStateDocument(initial)));
    this.runtime = new Runtime({ store: this.store, clock: this.clock, logger: silent });
    this.admin = new MemoryPeer(this.runtime, 'admin', { kind: 'admin' }, null);
  }

  now(): number {
    return this.clock.now();
  }

  state(): EngineState {
    return this.runtime.current;
  }

  private peerFor(call: Call): MemoryPeer {
    const actor = call.as ?? { kind: 'admin' };
    if (actor.kind === 'admin') return this.admin;
    if (actor.kind !== 'player') throw new Error(`no connection for a ${actor.kind}`);
    const peer = this.playerPeers.get(actor.player);
    if (peer === undefined) throw new Error(`player ${actor.player} is not connected`);
    return peer;
  }

  async call(call: Call): Promise<Reply> {
    const peer = this.peerFor(call);
    return await peer.answer(peer.submit(call.command, call.session));
  }

  /** Sends a call under a request id of the test's choosing (a re-send keeps its id). */
  async callWithId(call: Call, requestId: string): Promise<Reply> {
    const peer = this.peerFor(call);
    return await peer.answer(peer.submit(call.command, call.session, requestId));
  }

  async callAll(calls: readonly Call[]): Promise<Reply[]> {
    const sent = calls.map((call) => {
      const peer = this.peerFor(call);
      return { peer, id: peer.submit(call.command, call.session) };
    });
    return await Promise.all(sent.map(({ peer, id }) => peer.answer(id)));
  }

  /**
   * Advances the fake clock (the scheduler hands due timers to the mailbox as it passes them), then
   * waits until the engine has worked through them: a read answered after them proves it.
   */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.flush();
  }

  async flush(): Promise<void> {
    // A read of the whole state waits for every commit ahead of it (PROTOCOL-8); a narrower read may not.
    const reply = await this.call({ command: { type: 'state.get' } });
    if (!reply.ok) throw new Error('flush failed');
  }

  broadcasts(): readonly SeenBroadcast[] {
    return this.admin.inbox.all.flatMap((m) =>
      m.type === 'broadcast' ? [{ session: m.session, event: m.event }] : [],
    );
  }

  connectPlayer(player: number, session: number): void {
    const peer = new MemoryPeer(this.runtime, `p${player}`, { kind: 'player', player }, session);
    this.playerPeers.set(player, peer);
  }

  seenBy(player: number): readonly BroadcastEvent[] {
    return this.playerPeers.get(player)?.events() ?? [];
  }

  async close(): Promise<void> {
    await this.runtime.shutdown(100);
  }
}
