import type { Logger } from 'pino';
import type { Actor, JobRequest, Outcome } from '../engine/handler.js';
import { seededRng } from '../engine/rng.js';
import type { EngineState, PendingBroadcast } from '../engine/state.js';
import { step, type StepResult } from '../engine/step.js';
import type { Command } from '../protocol/commands/index.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import type { Clock } from './clock.js';
import { peerCanSee, streamOf, type Peer, type VisibilityLookup } from './peer.js';
import { CommitWriter, type BackupResult } from '../store/commit-writer.js';
import {
  BUSY_TIMEOUT_MS,
  SqliteStore,
  type CommitBatch,
  type LoggedBroadcast,
  type MutableState,
} from '../store/sqlite-store.js';
import { TimerScheduler } from './timer-scheduler.js';
import { applyWrites } from './apply.js';
import { RandomPool } from './random-pool.js';
import { AnsweredFilter } from './answered-filter.js';
import { journalInput, privacyCommit } from './journal-entry.js';
import { cutRevokedGameMasters } from './gm-tokens.js';

/** Where a response goes: the request's client identity and id, and the connections waiting for it. */
interface ReplyKey {
  readonly clientKey: string;
  readonly requestId: string;
}

/** One item of the engine's single inbound queue. */
export type Inbound =
  | {
      readonly source: 'client';
      readonly peer: Peer;
      /** Who the request runs as: the connection's role when it was sent (default: the peer's now). */
      readonly actor?: Actor;
      readonly reply: ReplyKey;
      readonly command: Command;
      readonly session: number | undefined;
    }
  | {
      readonly source: 'system';
      readonly command: Command;
      readonly session?: number;
      readonly reply?: ReplyKey;
    };

/** Runs slow work beside the engine; resolves to the command that brings the result back. */
export type JobRunner = (input: unknown) => Promise<Command>;

export interface RuntimeOptions {
  readonly store: SqliteStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly jobs?: Readonly<Record<string, JobRunner>>;
  /** How long answered request ids and logged broadcasts are kept (ms): ≥ 24 h (IDEMPOTENCY-1, RESUME-2). */
  readonly retentionMs?: number;
  /** Most commands folded into one commit. */
  readonly maxBatch?: number;
  /** How long a commit waits for another connection's lock before it fails (ms). */
  readonly busyTimeoutMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RESUME = 10_000;
/** Engine time one turn may spend stepping before it commits and lets I/O in. */
const TURN_BUDGET_MS = 8;
/** How long a timer whose fire could not be saved waits before it is tried again. */
const COMMIT_RETRY_MS = 1_000;

interface Processed {
  readonly item: Inbound;
  readonly result: StepResult;
  readonly frame: string | undefined;
  readonly broadcastFrames: readonly LoggedBroadcast[];
}

/**
 * A stepped turn waiting to be released: its changes are in memory; `committed` says whether they are
 * on disk yet (a turn without changes has nothing to wait for itself, but is released only after every
 * turn before it, as its answers may have read their changes).
 */
interface SteppedTurn {
  readonly processed: readonly Processed[];
  /** Closures restoring memory as it was before the turn, in the order the changes were made. */
  readonly undo: readonly (() => void)[];
  committed: boolean;
  failure?: ProtocolError;
}

/** Group commit statistics (bench and observability). */
export interface CommitStats {
  /** Durable transactions. */
  readonly commits: number;
  /** Requests whose answers they made durable. */
  readonly answers: number;
  /** Time spent writing them, fsync included (ms, on the writer thread). */
  readonly ms: number;
}

/**
 * The single writer: one mailbox, consumed by one loop that is the only code changing the state or the
 * store. Each turn takes every queued item (up to `maxBatch`), runs the pure engine step for each against
 * the evolving state and hands all their changes to the commit writer (group commit, on its own thread);
 * only once they are durable does it answer requesters and broadcast. It never awaits a client or the
 * disk.
 */
export class Runtime {
  private readonly state: MutableState;
  private readonly mailbox: Inbound[] = [];
  private readonly peers = new Map<string, Peer>();
  /** Requests being worked on (deferred or in this batch), by client key + request id: who waits. */
  private readonly inflight = new Map<string, Set<string>>();
  private readonly scheduler: TimerScheduler;
  private readonly runningJobs = new Set<Promise<void>>();
  private readonly random = new RandomPool();
  private readonly answered = new AnsweredFilter();
  private readonly writer: CommitWriter;
  /** Stepped turns not yet released, oldest first. */
  private readonly stepped: SteppedTurn[] = [];
  private answersCommitted = 0;
  /**
   * Per stream, the last sequence number sent out (committed and released). This, not the state's
   * positions (which run ahead while commits are out), is what a client can have: welcomes report it
   * and resumes replay up to it, so a broadcast is never both replayed and sent live, nor skipped.
   */
  private readonly released: Map<string, number>;
  private scheduled = false;
  private closing = false;
  private lastPrune = 0;
  /** Called when a command asked for shutdown (the server owns the listeners it must close). */
  onShutdownRequested: () => void = () => undefined;

  constructor(private readonly options: RuntimeOptions) {
    this.state = options.store.load();
    this.released = new Map(this.state.streams);
    for (const key of options.store.answeredKeys()) this.answered.add(replyKeyString(key));
    this.writer = new CommitWriter(options.store.path, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
    this.scheduler = new TimerScheduler(options.clock, (ids) => {
      for (const timer of ids) this.submit({ source: 'system', command: { type: 'timer.fire', timer } });
    });
    for (const timer of this.state.tables.timer.values()) this.scheduler.sync(timer.id, timer);
    // Timers that fell due while the server was down fire now, in due order.
    this.scheduler.rearm();
  }

  /** What broadcast visibility looks up in the state at send time: a player's team, whether a login lives. */
  private readonly visibility: VisibilityLookup = {
    teamOf: (player) => this.state.tables.player.get(player)?.team ?? null,
    loginValid: (token, player) => this.state.tables.token.get(token)?.player === player,
  };

  /** The current state (read-only; for snapshots, replay checks and tests). */
  get current(): EngineState {
    return this.state;
  }

  get armedTimers(): number {
    return this.scheduler.size;
  }

  /** An online, consistent backup of the store in `file` (see CommitWriter.backup). */
  backup(file: string): Promise<BackupResult> {
    return this.writer.backup(file);
  }

  get commitStats(): CommitStats {
    const { commits, ms } = this.writer.stats;
    return { commits, ms, answers: this.answersCommitted };
  }

  attach(peer: Peer): void {
    this.peers.set(peer.id, peer);
  }

  detach(peer: Peer): void {
    this.peers.delete(peer.id);
  }

  /** Queues an item for the engine. Never blocks; the loop runs on a later tick, batching what arrived. */
  submit(item: Inbound): void {
    if (this.closing && item.source === 'client') {
      this.replyError(item.peer, item.reply.requestId, makeError('SHUTTING_DOWN'));
      return;
    }
    this.mailbox.push(item);
    this.schedule();
  }

  /**
   * Where each stream the peer may see stands now (the last sequence number, 0 before the first
   * broadcast). Sent in the welcome: a client resumes from these, so a stream it has not received
   * anything on yet is resumable too (RESUME-2).
   */
  positions(peer: Peer): Record<string, number> {
    // Guests see no stream; players the global one and their session's; admins every one.
    const streams = new Set<string>();
    if (peer.actor.kind === 'admin') {
      streams.add('global');
      for (const id of this.state.tables.session.keys()) streams.add(streamOf(id));
      for (const stream of this.released.keys()) streams.add(stream);
    } else if (peer.actor.kind === 'player') {
      streams.add('global');
      if (peer.session !== null) streams.add(streamOf(peer.session));
    }
    return Object.fromEntries([...streams].map((stream) => [stream, this.released.get(stream) ?? 0]));
  }

  /**
   * Sends a peer what it missed on each stream since the given sequence numbers, oldest first (RESUME-2).
   * A stream the peer may see that `since` does not name is new to it (it was created after the
   * positions the client started from) and is sent from its start. The peer is attached first and
   * the replay stops at what was released, so every later broadcast reaches it live, once. Streams
   * whose log no longer reaches back, or that the client claims to be ahead on (the store was restored
   * from an older backup), get a `resync` notice.
   */
  resume(peer: Peer, since: Readonly<Record<string, number>>): void {
    // Admins may see every stream, also one the server does not know (it is answered with a resync).
    // Others resume only the streams they may see: positions on any other (a player's former session,
    // an admin client that logged in as a player) are ignored, neither replayed nor answered.
    const visible = Object.keys(this.positions(peer));
    const from: Record<string, number> = peer.actor.kind === 'admin' ? { ...since } : {};
    for (const stream of visible) from[stream] = since[stream] ?? 0;
    for (const [stream, seq] of Object.entries(from)) {
      const last = this.released.get(stream) ?? 0;
      if (seq === last) continue;
      const oldest = this.options.store.oldestBroadcast(stream);
      if (seq > last || oldest === undefined || oldest > seq + 1 || last - seq > MAX_RESUME) {
        peer.send(resyncNotice(stream), 'notice');
        continue;
      }
      for (const b of this.options.store.broadcastsSince(stream, seq, MAX_RESUME)) {
        // Committed but not released yet: it goes out live, to this peer too.
        if (b.seq > last) break;
        if (peerCanSee(peer, b.stream, b.audience, this.visibility)) peer.send(b.message, 'broadcast');
      }
    }
  }

  /** Stops accepting client requests, finishes queued work and running jobs, tells clients, closes. */
  async shutdown(graceMs = 5_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.drainNow();
    await Promise.race([Promise.all(this.runningJobs), delay(graceMs)]);
    await this.drainNow();
    await this.writer.close();
    this.scheduler.stop();
    const notice = JSON.stringify({
      type: 'notice',
      notice: 'shutdown',
      message: 'The server is shutting down.',
    });
    for (const peer of this.peers.values()) {
      peer.send(notice, 'notice');
      peer.close(1001, 'server shutting down');
    }
    this.peers.clear();
    this.options.store.checkpoint();
    this.options.store.close();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn();
      // What is left waits for the next turn, after pending I/O, so one big burst cannot starve others.
      if (this.mailbox.length > 0) this.schedule();
    });
  }

  /** Steps everything queued and waits until it is all committed and released. */
  private async drainNow(): Promise<void> {
    while (this.mailbox.length > 0) this.turn();
    await this.writer.idle();
  }

  /**
   * One loop turn: step queued items (up to `maxBatch`, and only for about `TURN_BUDGET_MS` of engine
   * time, so a burst of heavy commands cannot hold up everyone's responses) and hand their changes to
   * the commit writer. The loop does not wait for the disk: responses and broadcasts are released when
   * the writer reports the changes durable, and meanwhile the next turns step on.
   */
  private turn(): void {
    const started = performance.now();
    const batch: TurnBatch = {
      writes: [],
      broadcasts: [],
      journal: [],
      answers: [],
      blobs: [],
      statements: [],
      checkpoint: null,
    };
    const undo: (() => void)[] = [];
    const processed: Processed[] = [];
    const limit = this.options.maxBatch ?? 1024;
    let taken = 0;
    this.options.store.reading(() => {
      while (taken < limit && this.mailbox.length > 0 && performance.now() - started < TURN_BUDGET_MS) {
        const done = this.process(this.mailbox.shift() as Inbound, batch, undo);
        taken++;
        if (done !== undefined) processed.push(done);
      }
    });
    const prune = this.dueForPrune();
    const turn: SteppedTurn = { processed, undo, committed: true };
    this.stepped.push(turn);
    if (batch.writes.length + batch.broadcasts.length + batch.answers.length > 0 || prune !== undefined) {
      turn.committed = false;
      const answers = batch.answers.length;
      const rows = SqliteStore.rows(prune === undefined ? batch : { ...batch, prune });
      this.writer.commit(rows, (result) => {
        if (result.ok) {
          turn.committed = true;
          this.answersCommitted += answers;
        } else this.failFrom(turn, result.error);
        this.releaseReady();
      });
    }
    this.releaseReady();
    const ms = performance.now() - started;
    if (ms > 50) this.options.logger.warn({ ms: Math.round(ms), items: taken }, 'slow engine turn');
  }

  /** Releases stepped turns, oldest first, up to the first one still waiting for the disk. */
  private releaseReady(): void {
    while (this.stepped[0]?.committed === true) {
      const turn = this.stepped.shift() as SteppedTurn;
      for (const done of turn.processed) this.release(done, turn.failure);
    }
    this.scheduler.rearm();
  }

  /**
   * A commit failed: nothing of `failed` is on disk, and every later turn was stepped on top of it (the
   * writer drops their changes too). Memory is put back as it was before `failed`, newest change first,
   * and every requester of those turns is told.
   */
  private failFrom(failed: SteppedTurn, cause: Error): void {
    const index = this.stepped.indexOf(failed);
    if (index < 0 || failed.failure !== undefined) return;
    const turns = this.stepped.slice(index);
    for (const turn of turns.reverse()) {
      for (let i = turn.undo.length - 1; i >= 0; i--) turn.undo[i]?.();
    }
    for (const turn of turns) {
      turn.failure = makeError('INTERNAL', 'The change could not be saved; nothing was changed.');
      turn.committed = true;
    }
    this.options.logger.error({ err: cause, turns: turns.length }, 'commit failed; turns rolled back');
  }

  private process(item: Inbound, batch: TurnBatch, undo: (() => void)[]): Processed | undefined {
    const reply = item.reply;
    if (reply !== undefined && item.source === 'client' && this.joinExisting(item.peer, reply))
      return undefined;
    const now = this.options.clock.now();
    const seed = this.random.hex(16);
    const actor: Actor = item.source === 'client' ? (item.actor ?? item.peer.actor) : { kind: 'system' };
    const input = { command: item.command, actor, session: item.session };
    const result = step(this.state, input, { now, rng: seededRng(seed) });
    applyWrites(this.state, result.writes, undo);
    const broadcastFrames = result.broadcasts.map((b) => this.sequence(b, now, undo));
    batch.writes.push(...result.writes);
    batch.broadcasts.push(...broadcastFrames);
    if (result.blobs !== undefined) batch.blobs.push(...result.blobs);
    // Blob bytes stay out of the journal: it keeps their sha-256, and replay needs only the metadata.
    if (result.writes.length > 0)
      batch.journal.push({ at: now, input: journalInput(input, result, now, seed) });
    const privacy = privacyCommit(result, this.state, batch.journal.length - 1);
    batch.statements.push(...(privacy?.statements ?? []));
    batch.checkpoint = privacy?.checkpoint ?? batch.checkpoint;
    const frame = reply === undefined ? undefined : responseFrame(reply.requestId, result.outcome);
    if (reply !== undefined && frame !== undefined && isRecorded(result)) {
      batch.answers.push({ client: reply.clientKey, request: reply.requestId, at: now, response: frame });
      this.answered.add(replyKeyString(reply));
    }
    return { item, result, frame, broadcastFrames };
  }

  /**
   * Idempotency (IDEMPOTENCY-1): a request id already answered gets its stored response; one still being
   * worked on gets the response when it is ready. Either way it is not run again.
   */
  private joinExisting(peer: Peer, reply: ReplyKey): boolean {
    const key = replyKeyString(reply);
    const waiting = this.inflight.get(key);
    if (waiting !== undefined) {
      waiting.add(peer.id);
      return true;
    }
    const stored = this.answered.mayContain(key)
      ? this.options.store.answeredResponse(reply.clientKey, reply.requestId)
      : undefined;
    if (stored !== undefined) {
      peer.send(stored, 'response');
      return true;
    }
    this.inflight.set(key, new Set([peer.id]));
    return false;
  }

  /** Gives a broadcast the next gap-free sequence number of its stream and renders its frame once. */
  private sequence(b: PendingBroadcast, at: number, undo: (() => void)[]): LoggedBroadcast {
    const stream = streamOf(b.session);
    const previous = this.state.streams.get(stream) ?? 0;
    const seq = previous + 1;
    this.state.streams.set(stream, seq);
    undo.push(() => this.state.streams.set(stream, previous));
    const message = JSON.stringify({ type: 'broadcast', session: b.session, seq, at, event: b.event });
    return { stream, seq, at, audience: b.audience, message };
  }

  private release(done: Processed, failure: ProtocolError | undefined): void {
    const { item, result } = done;
    const reply = item.reply;
    const deferred = result.outcome.ok === 'deferred' && failure === undefined;
    if (reply !== undefined && !deferred) {
      const frame =
        failure === undefined ? done.frame : responseFrame(reply.requestId, { ok: false, error: failure });
      const key = replyKeyString(reply);
      for (const peerId of this.inflight.get(key) ?? [])
        this.peers.get(peerId)?.send(frame as string, 'response');
      this.inflight.delete(key);
    }
    if (failure !== undefined) {
      // Memory is back as it was. A timer whose fire was not saved goes back on the schedule, so it is
      // retried (after a pause, so that a store that keeps failing is not hammered) instead of being
      // forgotten until the next restart.
      if (item.command.type === 'timer.fire') {
        const id = item.command.timer;
        this.options.clock.setTimeout(() => {
          this.scheduler.sync(id, this.state.tables.timer.get(id));
          this.scheduler.rearm();
        }, COMMIT_RETRY_MS);
      }
      return;
    }
    for (const b of done.broadcastFrames) {
      this.released.set(b.stream, b.seq);
      for (const peer of this.peers.values())
        if (peerCanSee(peer, b.stream, b.audience, this.visibility)) peer.send(b.message, 'broadcast');
    }
    this.syncTimers(done);
    cutRevokedGameMasters(this.peers.values(), result.writes);
    for (const job of result.jobs) this.startJob(job, reply);
    if (result.shutdown) this.onShutdownRequested();
  }

  private syncTimers({ item, result }: Processed): void {
    for (const write of result.writes) {
      if (write.table === 'timer' && write.op !== 'nextId') {
        this.scheduler.sync(write.id, this.state.tables.timer.get(write.id));
      }
    }
    if (item.command.type === 'timer.fire') {
      const id = item.command.timer;
      this.scheduler.sync(id, this.state.tables.timer.get(id));
    }
  }

  private startJob(job: JobRequest, reply: ReplyKey | undefined): void {
    const runner = this.options.jobs?.[job.kind];
    if (runner === undefined) {
      this.options.logger.error({ job: job.kind }, 'no runner for background job');
      if (reply !== undefined) this.answerFailedJob(reply);
      return;
    }
    const running = runner(job.input).then(
      (command) => this.submit({ source: 'system', command, ...(reply === undefined ? {} : { reply }) }),
      (cause: unknown) => {
        this.options.logger.error({ err: cause, job: job.kind }, 'background job failed');
        // Whoever waits for the job's result gets an answer instead of waiting forever.
        if (reply !== undefined) this.answerFailedJob(reply);
      },
    );
    this.runningJobs.add(running);
    void running.finally(() => this.runningJobs.delete(running));
  }

  private answerFailedJob(reply: ReplyKey): void {
    const key = replyKeyString(reply);
    const error = makeError('INTERNAL', 'The background work for this request failed; nothing was changed.');
    for (const peerId of this.inflight.get(key) ?? []) {
      const peer = this.peers.get(peerId);
      if (peer !== undefined) this.replyError(peer, reply.requestId, error);
    }
    this.inflight.delete(key);
  }

  private replyError(peer: Peer, requestId: string, error: ProtocolError): void {
    peer.send(responseFrame(requestId, { ok: false, error }) as string, 'response');
  }

  /** Every 10 minutes a commit also drops answered requests and logged broadcasts past retention. */
  private dueForPrune(): number | undefined {
    const now = this.options.clock.now();
    if (now - this.lastPrune < 10 * 60 * 1000) return undefined;
    this.lastPrune = now;
    return now - Math.max(DAY_MS, this.options.retentionMs ?? DAY_MS);
  }
}

/** What one turn collects for its commit (pruning is added when it is due). */
type TurnBatch = Mutable<Omit<CommitBatch, 'prune'>>;

type Mutable<T> = {
  -readonly [K in keyof T]-?: NonNullable<T[K]> extends readonly (infer U)[] ? U[] : T[K];
};

/** Only commands that changed or announced something, or were refused, keep their answer (IDEMPOTENCY-1). */
function isRecorded(result: StepResult): boolean {
  return result.writes.length > 0 || result.broadcasts.length > 0 || result.outcome.ok === false;
}

function replyKeyString(reply: ReplyKey): string {
  return `${reply.clientKey}\u0000${reply.requestId}`;
}

function responseFrame(id: string, outcome: Outcome<unknown>): string | undefined {
  if (outcome.ok === 'deferred') return undefined;
  return outcome.ok
    ? JSON.stringify({ type: 'response', id, ok: true, result: outcome.result })
    : JSON.stringify({ type: 'response', id, ok: false, error: outcome.error });
}

function resyncNotice(stream: string): string {
  return JSON.stringify({
    type: 'notice',
    notice: 'resync',
    stream,
    message: 'Missed broadcasts are no longer kept: take a fresh state snapshot and continue from its seq.',
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
