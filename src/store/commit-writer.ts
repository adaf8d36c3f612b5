import type { Worker } from 'node:worker_threads';
import type { TeamRecord } from '../engine/game/types.js';
import {
  CLOSE,
  RESET,
  type CommitReply,
  type FromThread,
  type RequestReply,
  type ThreadData,
  type ThreadRequest,
  type ToThread,
} from './commit-messages.js';
import { toRows, type CommitRows } from './commit-rows.js';
import { encodeRows } from './commit-text.js';
import { PeriodTracker } from './period-rows.js';
import type {
  BackupResult,
  CommitBatch,
  CommitResult,
  StoredBlob,
  StoreWriter,
  WriterStats,
} from './store.js';
import { startThread } from './thread-module.js';

/**
 * Makes batches durable on a worker thread (commit-thread.ts) with its own SQLite connection, so that the
 * engine loop never waits for an fsync. Each turn's rows are posted at once; while the thread writes and
 * syncs one transaction, the next turns' rows queue in its port, and it takes all of them into the next
 * transaction (group commit across turns; the thread never waits for the loop to hand over work).
 * Each commit's callback runs once, in call order, after its rows are on disk or with the error that
 * kept them off it. After a failed transaction the thread refuses everything already queued behind it
 * (computed on top of it) until the loop, having rolled back, resets it.
 */
export class CommitWriter implements StoreWriter {
  readonly stats: WriterStats = { commits: 0, ms: 0, checkpoints: 0, checkpointMs: 0 };
  /** The writer's thread (operations may watch it; a test ends it to see the server become unready). */
  readonly worker: Worker;
  /** Callbacks of posted commits, oldest first. */
  private readonly waiting: ((result: CommitResult) => void)[] = [];
  /** Backups and blob writes running on the thread, by request number. */
  private readonly requests = new Map<
    number,
    { resolve: (r: RequestReply) => void; reject: (e: Error) => void }
  >();
  private nextRequest = 1;
  /** Why commits are refused from now on: the writer was closed, or its thread died. */
  private failure: Error | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Which periods of each team the posted commits store: a commit writes only those that changed. */
  private readonly periods: PeriodTracker;

  /** `teams`: the team records as the store holds them (as loaded). */
  constructor(databasePath: string, busyTimeoutMs: number, teams?: Iterable<TeamRecord>) {
    this.periods = new PeriodTracker(teams);
    const workerData: ThreadData = { databasePath, busyTimeoutMs };
    this.worker = startThread(import.meta.url, 'commit-thread', { workerData });
    this.worker.on('message', (reply: FromThread) =>
      'request' in reply ? this.answered(reply) : this.finished(reply),
    );
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', () => this.stop(new Error('The commit writer thread has stopped.')));
    this.worker.unref();
  }

  get stopped(): Error | undefined {
    return this.failure;
  }

  commit(batch: CommitBatch, done: (result: CommitResult) => void): void {
    this.commitRows(toRows(batch, this.periods), done);
  }

  /** Queues rows; `done` runs once they are durable or failed. */
  commitRows(rows: CommitRows, done: (result: CommitResult) => void): void {
    if (this.failure !== undefined) {
      done({ ok: false, error: this.failure });
      return;
    }
    // Only while commits (or backups) are out does the thread keep the process alive.
    this.worker.ref();
    this.waiting.push(done);
    this.post(encodeRows(rows));
  }

  /**
   * An online, consistent copy of the store in `file`, made through SQLite's backup API on the thread's
   * connection. It must be that connection: a backup restarts whenever another connection writes, so
   * under steady writes a backup made elsewhere never finished (measured: none within 20 s). Commits
   * go on meanwhile and reach the copy as well.
   */
  async backup(file: string): Promise<BackupResult> {
    const reply = await this.request((request) => ({ request, backup: file }));
    return { totalPages: reply.totalPages ?? 0 };
  }

  /**
   * Stores blobs on the thread, in a transaction of their own: the bytes are structured-cloned to it,
   * never turned into base64 or JSON, and never wait behind the loop.
   */
  async storeBlobs(blobs: readonly StoredBlob[]): Promise<void> {
    await this.request((request) => ({ request, blobs }));
  }

  idle(): Promise<void> {
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Waits for what was queued, then stops the thread (its connection closes with it). */
  async close(): Promise<void> {
    await this.idle();
    if (this.failure !== undefined) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.failure = new Error('The store is closed.');
    this.worker.ref();
    this.post(CLOSE);
    await exited;
  }

  private post(message: ToThread): void {
    this.worker.postMessage(message);
  }

  /** Posts work beside the commits; resolves with the thread's reply, or rejects with its error. */
  private request(work: (request: number) => ThreadRequest): Promise<RequestReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const request = this.nextRequest++;
    this.worker.ref();
    this.post(work(request));
    return new Promise((resolve, reject) => this.requests.set(request, { resolve, reject }));
  }

  private finished(reply: CommitReply): void {
    this.stats.ms += reply.ms;
    const done = this.waiting.splice(0, reply.count);
    if (reply.ok) {
      this.stats.commits++;
      this.stats.checkpoints = reply.checkpoints;
      this.stats.checkpointMs = reply.checkpointMs;
      for (const callback of done) callback({ ok: true });
    } else {
      const error = new Error(reply.message);
      for (const callback of done) callback({ ok: false, error });
      // What the refused commits held is not stored: each team's next write stores all its periods.
      this.periods.forget();
      // The callbacks rolled memory back: what is posted from now on is to be written again.
      if (reply.first) this.post(RESET);
    }
    this.settled();
  }

  private answered(reply: RequestReply): void {
    const waiter = this.requests.get(reply.request);
    this.requests.delete(reply.request);
    if (reply.error === undefined) waiter?.resolve(reply);
    else waiter?.reject(new Error(reply.error));
    this.settled();
  }

  /** No more commits: what waits fails (nothing more will be written), and so does every later one. */
  private stop(error: Error): void {
    this.failure ??= error;
    for (const callback of this.waiting.splice(0)) callback({ ok: false, error: this.failure });
    for (const waiter of this.requests.values()) waiter.reject(this.failure);
    this.requests.clear();
    this.settled();
  }

  private settled(): void {
    if (this.waiting.length > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.requests.size === 0) this.worker.unref();
  }
}
