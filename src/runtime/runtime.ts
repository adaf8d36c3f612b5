import type { Logger } from 'pino';
import type { EngineState, Write } from '../engine/state.js';
import type { StepResult } from '../engine/step.js';
import { RUNTIME_COMMAND_TYPES } from '../protocol/commands/oversight.js';
import { encodeFailure, encodeResult } from '../protocol/encode.js';
import { makeError } from '../protocol/errors.js';
import type {
  BackupResult,
  CommitResult,
  LoggedBroadcast,
  MutableState,
  Store,
  StoredBlob,
  StoreWriter,
} from '../store/store.js';
import { applyReplicated, type Applied, type ReplicaTargets } from './apply-replicated.js';
import { backupJob } from './backup-job.js';
import { BlobsInFlight } from './blobs-in-flight.js';
import type { Clock } from './clock.js';
import { CoalescedSignal } from './coalesced-signal.js';
import { ConnectionBoard, ENDED_KEPT, type BoardsElsewhere } from './connection-board.js';
import { Delivery } from './delivery.js';
import { cutRevokedGameMasters } from './gm-tokens.js';
import type { Inbound, Queued } from './inbound.js';
import { BackgroundJobs, type JobRunners } from './jobs.js';
import { Mailbox, type Lanes } from './mailbox.js';
import { LatestLocations } from './latest-locations.js';
import { SILENT_RUNTIME, type RuntimeLoad, type RuntimeObserver } from './observer.js';
import { OWNS_EVERYTHING, partOfItem, type Ownership } from './ownership.js';
import type { Peer } from './peer.js';
import { PruneSchedule } from './prune.js';
import type { ReplicatedBatch } from './replicated.js';
import { Replies, type ReplyKey } from './replies.js';
import { Stepper, type Stepped } from './stepper.js';
import { DurableTimers } from './timers.js';
import { TurnBatch } from './turn-batch.js';
import { TurnQueue, type Turn } from './turns.js';
import { Uncommitted, type Held } from './uncommitted.js';

export interface RuntimeOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Runners of background jobs; `backup` defaults to a copy through the store's writer. */
  readonly jobs?: Partial<JobRunners>;
  /** How long answered request ids and logged broadcasts are kept (ms); at least 24 h (IDEMPOTENCY-1, RESUME-1). */
  readonly retentionMs?: number;
  /** Most commands folded into one commit. */
  readonly maxBatch?: number;
  /** How long a commit waits for another connection's lock before it fails (ms). */
  readonly busyTimeoutMs?: number;
  /** Where turns, commits, refusals and deliveries are reported (metrics and logs). */
  readonly observer?: RuntimeObserver;
  /** Which parts this node steps (CLUSTER-18); default: every part, as the embedded server. */
  readonly ownership?: Ownership;
  /**
   * The other nodes' boards, in a cluster whose parts are owned apart (CLUSTER-24): `admin.connections`
   * answers them merged with this node's, and their changes move this node's notices. Default: none, the
   * board is this node's alone.
   */
  readonly boardsElsewhere?: BoardsElsewhere;
}

/** Engine time one turn may spend stepping before it commits and lets I/O in. */
const TURN_BUDGET_MS = 8;
const MAX_BATCH = 1024;
const JOB_FAILED = 'The background work for this request failed; nothing was changed.';

/** Group commit statistics (bench and observability). */
export interface CommitStats {
  /** Durable transactions. */
  readonly commits: number;
  /** Requests whose answers they made durable. */
  readonly answers: number;
  /** Time spent writing them, fsync included (ms, on the writer thread). */
  readonly ms: number;
  /** WAL checkpoints the writer thread ran between commits, and their time (ms). */
  readonly checkpoints: number;
  readonly checkpointMs: number;
}

/**
 * The single writer: one mailbox, consumed by one loop that is the only code changing the state or the
 * store. Each turn takes what is queued (up to `maxBatch`), steps the pure engine for each item against
 * the evolving state and hands all their changes to the store's writer (group commit, on its own
 * thread); only once they are durable are the turn's answers and broadcasts released, in turn order.
 * The exception is an answer that shows nothing pending: a step that changed nothing, read nothing a
 * held-back step changed, and whose connection waits for no earlier answer, is answered at once
 * (PROTOCOL-8, uncommitted.ts). It never awaits a client or the disk.
 *
 * In a cluster (CLUSTER-18) it steps only the parts its node owns: a request of another part goes to the
 * router, and the other parts' batches, read from the cluster's log, are applied in turns of their own
 * kind (`applyReplicated`) to the same memory, store and connections.
 */
export class Runtime {
  private readonly store: Store;
  private readonly state: MutableState;
  /** The store's one writer: the loop's commits, and the bytes picture jobs store beside them. */
  readonly writer: StoreWriter;
  private readonly mailbox = new Mailbox<Queued>(() => this.turn(), INBOUND_LANES);
  private readonly turns = new TurnQueue<Held>();
  /** What the turns held back changed: which answers need not wait for them (PROTOCOL-8). */
  private readonly uncommitted = new Uncommitted();
  private readonly replies: Replies;
  /** What a replicated batch brings up to date besides the store: memory and the loop's caches. */
  private readonly replica: ReplicaTargets;
  private readonly ownership: Ownership;
  private readonly blobsInFlight = new BlobsInFlight();
  /**
   * Resolves once the keys of the answers kept before this start are read (until then every request is
   * looked up in the store, IDEMPOTENCY-1), or once shutdown stopped the reading.
   */
  readonly keptAnswersRead: Promise<void>;
  private readonly stepper: Stepper;
  private readonly delivery: Delivery;
  private readonly timers: DurableTimers;
  private readonly jobs: BackgroundJobs;
  private readonly prune: PruneSchedule;
  private readonly observer: RuntimeObserver;
  /** Who is connected and who was cut off (OPS-3): told by the transports, answered without the engine. */
  readonly connections: ConnectionBoard;
  /** Tells admins the board changed, at most about once a second however many connections come and go. */
  private readonly connectionNotices: CoalescedSignal;
  private answersCommitted = 0;
  private closing = false;
  /** Called when a command asked for shutdown (the server owns the listeners it must close). */
  onShutdownRequested: () => void = () => undefined;

  constructor(private readonly options: RuntimeOptions) {
    const { store, clock, logger } = options;
    this.observer = options.observer ?? SILENT_RUNTIME;
    this.store = store;
    this.state = store.load();
    // The other nodes are told of this node's changes as often as its own admins, not more.
    this.connectionNotices = new CoalescedSignal(() => {
      this.delivery.noticeConnections(this.boardVersion());
      options.boardsElsewhere?.tell(this.connections.version);
    });
    options.boardsElsewhere?.listen(() => this.connectionNotices.changed());
    this.connections = new ConnectionBoard(
      () => clock.now(),
      ENDED_KEPT,
      () => this.connectionNotices.changed(),
    );
    this.writer = store.openWriter(options.busyTimeoutMs);
    this.replies = new Replies((client, request) => store.keptAnswer(client, request));
    this.keptAnswersRead = this.replies.learnKept(
      (after, limit) => store.answeredKeysAfter(after, limit),
      () => this.closing || !store.status().open,
    );
    const locations = new LatestLocations(store.latestLocations());
    this.replica = { state: this.state, locations, replies: this.replies };
    this.ownership = options.ownership ?? OWNS_EVERYTHING;
    this.stepper = new Stepper(this.state, clock, this.replies, this.blobsInFlight, locations);
    this.delivery = new Delivery(this.state.streams);
    this.prune = new PruneSchedule(options.retentionMs);
    const runners = {
      backup: backupJob((file) => this.writer.backup(file), store.backupsDir),
      ...options.jobs,
    };
    this.jobs = new BackgroundJobs(runners, logger, {
      done: (command, reply) =>
        this.submit({ source: 'system', command, ...(reply === undefined ? {} : { reply }) }),
      failed: (reply, job) => {
        this.observer.refused('INTERNAL', job, undefined);
        this.answer(reply, encodeFailure(reply.requestId, makeError('INTERNAL', JOB_FAILED)));
      },
    });
    this.timers = new DurableTimers(
      clock,
      this.state.tables.timer,
      (timer) => this.submit({ source: 'system', command: { type: 'timer.fire', timer } }),
      (timer) => this.ownership.owns(partOfItem(timerFire(timer), this.state)),
    );
    // Timers that fell due while the server was down fire now, in due order.
    this.timers.rearm();
  }

  /** The current state (read-only; for snapshots, replay checks and tests). */
  get current(): EngineState {
    return this.state;
  }

  get armedTimers(): number {
    return this.timers.size;
  }

  /** How much is queued where, now (read when metrics are scraped). */
  get load(): RuntimeLoad {
    return {
      mailbox: this.mailbox.size,
      awaitingCommit: this.turns.size,
      timers: this.timers.size,
      jobs: this.jobs.size,
    };
  }

  get commitStats(): CommitStats {
    const { commits, ms, checkpoints, checkpointMs } = this.writer.stats;
    return { commits, ms, checkpoints, checkpointMs, answers: this.answersCommitted };
  }

  /**
   * Why the runtime cannot take work now, empty when it can (HEALTH-2): it is shutting down, its store is
   * closed or not migrated, or its commit writer has stopped.
   */
  readiness(): string[] {
    const reasons: string[] = [];
    if (this.closing) reasons.push('The server is shutting down.');
    const store = this.store.status();
    if (!store.open) reasons.push('The store is closed.');
    else if (store.pendingMigrations > 0)
      reasons.push(`The store lacks ${store.pendingMigrations} schema migration(s).`);
    const stopped = this.writer.stopped;
    if (stopped !== undefined) reasons.push(`The commit writer has stopped: ${stopped.message}`);
    return reasons;
  }

  /**
   * Stores a picture job's bytes through the writer, beside the commits (PICTURE-4); until the job's
   * `picture.processed` is stepped, an erasure leaves these keys alone (blobs-in-flight.ts).
   */
  async storeBlobs(blobs: readonly StoredBlob[]): Promise<void> {
    this.blobsInFlight.hold(blobs);
    try {
      await this.writer.storeBlobs(blobs);
    } catch (error) {
      this.blobsInFlight.release(blobs.map((blob) => blob.key));
      throw error;
    }
  }

  /** An online, consistent backup of the store in `file` (through the store's writer). */
  backup(file: string): Promise<BackupResult> {
    return this.writer.backup(file);
  }

  attach(peer: Peer): void {
    this.delivery.attach(peer);
  }

  detach(peer: Peer): void {
    this.delivery.detach(peer);
  }

  /** Queues an item for the engine. Never blocks; the loop runs on a later tick, batching what arrived. */
  submit(item: Inbound): void {
    if (this.closing && item.source === 'client') {
      this.observer.refused('SHUTTING_DOWN', item.command.type, item.peer.id);
      item.peer.send(encodeFailure(item.reply.requestId, makeError('SHUTTING_DOWN')), 'response');
      return;
    }
    if (item.source === 'client' && isRuntimeCommand(item.command.type)) {
      this.answerItself(item);
      return;
    }
    this.mailbox.post(item);
  }

  /**
   * A command the runtime answers from its own knowledge (OPS-3), at once: it reads nothing of the
   * engine's state and changes nothing, so it needs no turn. Access and scope are checked as the engine
   * checks them (AUTH-2, PROTOCOL-3).
   */
  private answerItself(item: Extract<Inbound, { source: 'client' }>): void {
    const actor = item.actor ?? item.peer.actor;
    const id = item.reply.requestId;
    const refusal =
      actor.kind !== 'admin'
        ? makeError('UNAUTHORISED', `"${item.command.type}" is for game masters only.`)
        : item.session !== undefined
          ? makeError('SESSION_SUPPLIED')
          : undefined;
    if (refusal !== undefined) {
      this.observer.refused(refusal.code, item.command.type, item.peer.id);
      item.peer.send(encodeFailure(id, refusal), 'response');
      return;
    }
    // The version is taken before the other nodes are asked: a change heard meanwhile brings a newer notice.
    const local = { ...this.connections.snapshot(), version: this.boardVersion() };
    const elsewhere = this.options.boardsElsewhere;
    if (elsewhere === undefined) {
      item.peer.send(encodeResult(id, local), 'response');
      return;
    }
    // The other nodes' boards come over the network: the loop goes on meanwhile.
    void elsewhere
      .gather(local)
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, "gathering the cluster's connections failed");
        return local;
      })
      .then((board) => item.peer.send(encodeResult(id, board), 'response'));
  }

  /**
   * The version this node's notices and `admin.connections` tell (OPS-4): its own board's, plus, on a
   * cluster, the other nodes' changes it has heard of (CLUSTER-24). Both only grow, so a dashboard that
   * compares the versions it is told sees every change of any node as a newer one.
   */
  private boardVersion(): number {
    return this.connections.version + (this.options.boardsElsewhere?.heard ?? 0);
  }

  /**
   * Queues another node's batch of a part this node does not own (read from the cluster's log), to be
   * applied in arrival order with everything else; `done` is told once it is durable here and its
   * broadcasts went out to this node's connections, or that it could not be saved (memory is back as
   * it was). Ownership is not checked: the cluster feeds only batches of parts owned elsewhere.
   */
  applyReplicated(batch: ReplicatedBatch, done: (result: CommitResult) => void): void {
    this.mailbox.post({ source: 'replica', batch, done });
  }

  /**
   * The owner's response to a request routed away: sent to the connection that asked, at once (a job's
   * result goes to the connections waiting for the request that started the job).
   */
  answerRouted(item: Inbound, frame: string): void {
    if (item.source === 'client') this.delivery.respond([item.peer.id], frame, true);
    else if (item.reply !== undefined) this.answer(item.reply, frame, true);
  }

  /** The node gained or lost parts: only the timers of the parts it owns now stay armed. */
  ownershipChanged(): void {
    this.timers.resync();
  }

  /** Where each stream the peer may see stands (sent in the welcome; see Delivery.positions). */
  positions(peer: Peer): Record<string, number> {
    return this.delivery.positions(peer, this.state.tables.session.keys());
  }

  /** Sends a peer what it missed since the given positions (RESUME-1; see Delivery.resume). */
  resume(peer: Peer, since: Readonly<Record<string, number>>): void {
    const { replayed, resyncs } = this.delivery.resume(
      peer,
      since,
      this.state.tables.session.keys(),
      this.store,
    );
    this.observer.resumed(replayed, resyncs);
  }

  /** Stops accepting client requests, finishes queued work and running jobs, tells clients, closes. */
  async shutdown(graceMs = 5_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.drain();
    await this.jobs.settled(graceMs);
    await this.drain();
    await this.writer.close();
    this.timers.stop();
    this.connectionNotices.stop();
    this.delivery.closeAll();
    await this.keptAnswersRead;
    this.store.checkpoint();
    this.store.close();
  }

  /** Steps everything queued and waits until it is all committed and released. */
  private async drain(): Promise<void> {
    while (this.mailbox.size > 0) this.turn();
    await this.writer.idle();
  }

  /**
   * One loop turn: step queued items (up to `maxBatch`, and only for about `TURN_BUDGET_MS` of engine
   * time, so a burst of heavy commands cannot hold up everyone's responses), hand their changes to the
   * writer and release what is ready. The loop does not wait for the disk: a turn is released when the
   * writer reports it durable, and meanwhile the next turns step on.
   */
  private turn(): void {
    const started = performance.now();
    const limit = this.options.maxBatch ?? MAX_BATCH;
    const batch = new TurnBatch();
    const held: Held[] = [];
    let taken = 0;
    this.store.reading(() => {
      while (taken < limit && this.mailbox.size > 0 && performance.now() - started < TURN_BUDGET_MS) {
        const item = this.mailbox.take() as Queued;
        taken++;
        if (item.source === 'replica') {
          const applied = applyReplicated(item, this.replica, batch);
          this.uncommitted.hold(applied);
          held.push(applied);
          continue;
        }
        const part = partOfItem(item, this.state);
        if (!this.ownership.owns(part)) {
          this.ownership.route(item, part);
          continue;
        }
        // A request id already answered or in flight is not run again (IDEMPOTENCY-1).
        if (item.source === 'client' && this.replies.joinExisting(item.peer, item.reply)) continue;
        const step = this.stepper.step(item, batch, part);
        if (this.uncommitted.mayAnswerNow(step)) this.answerNow(step);
        else {
          this.uncommitted.hold(step);
          held.push(step);
        }
      }
    });
    batch.prune = this.prune.due(this.options.clock.now());
    if (held.length === 0 && batch.empty) {
      this.observer.turned(performance.now() - started, taken);
      return;
    }
    const turn = this.turns.add(held, batch.undo, batch.empty);
    if (!batch.empty) this.commit(turn, batch);
    this.releaseReady();
    this.observer.turned(performance.now() - started, taken);
  }

  /** Hands a turn's batch to the writer; when it reports, the turn (or, failed, every turn from it) settles. */
  private commit(turn: Turn<Held>, batch: TurnBatch): void {
    const handedOver = performance.now();
    this.writer.commit(batch, (result) => {
      if (result.ok) {
        turn.committed = true;
        this.answersCommitted += batch.answers.length;
        this.observer.committed(performance.now() - handedOver, batch.journal.length);
      } else {
        const failure = makeError('INTERNAL', 'The change could not be saved; nothing was changed.');
        this.observer.commitFailed(result.error, this.turns.failFrom(turn, failure, result.error));
      }
      this.releaseReady();
    });
  }

  /**
   * Releases settled turns, oldest first, up to the first one still waiting for the disk. The last
   * broadcast released flushes each connection it reaches as it goes (Delivery.publish).
   */
  private releaseReady(): void {
    const released: [Held, Turn<Held>][] = [];
    for (let turn = this.turns.next(); turn !== undefined; turn = this.turns.next()) {
      for (const item of turn.items) {
        this.uncommitted.release(item);
        released.push([item, turn]);
      }
    }
    const lastPublishing = released.findLastIndex(([{ broadcasts }]) => broadcasts.length > 0);
    released.forEach(([item, turn], index) => {
      if ('result' in item) this.release(item, turn, index === lastPublishing);
      else this.releaseApplied(item, turn, index === lastPublishing);
    });
    this.timers.rearm();
  }

  /** Answers, broadcasts and starts what a durable (or rolled-back) step asked for. */
  private release(
    { item, result, frame, broadcasts }: Stepped,
    turn: Turn<Held>,
    lastPublishing: boolean,
  ): void {
    const reply = item.reply;
    const failure = turn.failure;
    if (failure !== undefined) {
      if (reply !== undefined) {
        this.observer.refused(failure.code, item.command.type, peerOf(item));
        this.answer(reply, encodeFailure(reply.requestId, failure));
      }
      if (item.command.type === 'timer.fire') this.timers.retry(item.command.timer);
      return;
    }
    if (reply !== undefined && frame !== undefined) this.answer(reply, frame);
    if (result.outcome.ok === false)
      this.observer.refused(result.outcome.error.code, item.command.type, peerOf(item));
    this.deliver(result.writes, broadcasts, lastPublishing);
    this.timers.released(result.writes, item.command);
    for (const job of result.jobs) this.jobs.start(job, reply);
    this.submitReports(result);
    if (result.shutdown) this.onShutdownRequested();
  }

  /** A durable (or rolled-back) replicated batch: its broadcasts go out here as a local step's would. */
  private releaseApplied({ item, broadcasts }: Applied, turn: Turn<Held>, lastPublishing: boolean): void {
    if (turn.failure !== undefined) {
      item.done({ ok: false, error: turn.error ?? new Error(turn.failure.message) });
      return;
    }
    this.deliver(item.batch.writes, broadcasts, lastPublishing);
    this.timers.released(item.batch.writes);
    item.done({ ok: true });
  }

  /** What released writes end (logins, game-master connections), then the broadcasts, to this node's peers. */
  private deliver(
    writes: readonly Write[],
    broadcasts: readonly LoggedBroadcast[],
    lastPublishing: boolean,
  ): void {
    this.delivery.endLogins(writes);
    cutRevokedGameMasters(this.delivery.attached, writes);
    if (broadcasts.length === 0) return;
    let frames = 0;
    for (const b of broadcasts) frames += this.delivery.publish(b, lastPublishing && b === broadcasts.at(-1));
    this.observer.published(broadcasts.length, frames);
  }

  /** A step that changed nothing and read only what is durable, answered ahead of the commits (PROTOCOL-8). */
  private answerNow({ item, result, frame }: Stepped): void {
    if (item.reply !== undefined && frame !== undefined) {
      if (result.outcome.ok === false)
        this.observer.refused(result.outcome.error.code, item.command.type, peerOf(item));
      // Nothing else of this turn is for it: it leaves now, not when the turn is over.
      this.answer(item.reply, frame, true);
    }
    this.submitReports(result);
  }

  /** What a step reported (a refused catch, CATCH-7) runs as a step of its own, after its answer. */
  private submitReports(result: StepResult): void {
    for (const { command, session } of result.reports ?? [])
      this.submit({ source: 'system', command, ...(session === undefined ? {} : { session }) });
  }

  private answer(reply: ReplyKey, frame: string, flush = false): void {
    this.delivery.respond(this.replies.settle(reply), frame, flush);
  }
}

/**
 * A text-less ping reads nothing and changes nothing: it is stepped ahead of the writes queued before it
 * (unless its own connection has one waiting), so its answer waits for neither their steps nor their
 * commits (PROTOCOL-8).
 */
const INBOUND_LANES: Lanes<Queued> = {
  express: (item) =>
    item.source === 'client' && item.command.type === 'ping' && item.command.text === undefined,
  from: (item) => (item.source === 'client' ? item.peer.id : undefined),
};

/** The step a due timer queues. */
const timerFire = (timer: number): Inbound => ({ source: 'system', command: { type: 'timer.fire', timer } });

const isRuntimeCommand = (type: string): boolean =>
  (RUNTIME_COMMAND_TYPES as readonly string[]).includes(type);

/** The connection a request came from (undefined for the engine's own commands). */
function peerOf(item: Inbound): string | undefined {
  return item.source === 'client' ? item.peer.id : undefined;
}
