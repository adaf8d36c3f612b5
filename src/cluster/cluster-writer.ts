import { toRows } from '../store/commit-rows.js';
import type { PeriodTracker } from '../store/period-rows.js';
import type {
  BackupResult,
  CommitBatch,
  CommitResult,
  StoredBlob,
  StoreWriter,
  WriterStats,
} from '../store/store.js';
import type { CommitWriter } from '../store/commit-writer.js';
import type { Logger } from 'pino';
import type { BatchLog, Writer } from './batch-log.js';
import { deletedBlobKeys, type BlobObjects } from './blob-objects.js';
import { rowsAt } from './local-replica.js';

interface Waiting {
  readonly batch: CommitBatch;
  readonly done: (result: CommitResult) => void;
}

/**
 * The owner's store writer in a cluster: each batch is appended to the JetStream batch log, expecting the
 * log's last sequence to be the one this node appended before (so a node that lost its lease cannot
 * append: someone else's takeover marker moved the log on), and only after the cluster stored it is it
 * applied to the node's own SQLite copy and reported done. Appends go one at a time, in call order; once
 * one fails, every batch queued behind it (computed on top of it) is refused too, and so is everything
 * after: a fenced writer never writes again.
 */
export class ClusterWriter implements StoreWriter {
  readonly stats: WriterStats = { commits: 0, ms: 0, checkpoints: 0, checkpointMs: 0 };
  private readonly queue: Waiting[] = [];
  private appending = false;
  private failure: Error | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly log: BatchLog,
    private readonly local: CommitWriter,
    private readonly writer: Writer,
    /** The log's last sequence when this node took over (its own takeover marker). */
    private lastSequence: number,
    /** Called once, when an append failed: the node no longer may (or can) write and must step down. */
    private readonly onFailure: (error: Error) => void,
    /** What the local store holds of each team's periods: a batch carries only the periods that changed. */
    private readonly periods: PeriodTracker,
    /** The cluster's copy of picture bytes (CLUSTER-9). */
    private readonly blobs: BlobObjects,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  get stopped(): Error | undefined {
    return this.failure ?? this.local.stopped;
  }

  commit(batch: CommitBatch, done: (result: CommitResult) => void): void {
    const stopped = this.stopped;
    if (stopped !== undefined) {
      done({ ok: false, error: stopped });
      return;
    }
    this.queue.push({ batch, done });
    this.appendNext();
  }

  /**
   * Puts the picture bytes in the cluster's object store, then in the local copy (CLUSTER-9): the picture
   * job reports the picture to the engine only after this resolves, so its record is never committed
   * before every node can fetch its bytes. A fenced writer stores nothing.
   */
  async storeBlobs(blobs: readonly StoredBlob[]): Promise<void> {
    const stopped = this.stopped;
    if (stopped !== undefined) throw stopped;
    await Promise.all(blobs.map((blob) => this.blobs.put(blob)));
    await this.local.storeBlobs(blobs);
  }

  backup(file: string): Promise<BackupResult> {
    return this.local.backup(file);
  }

  async idle(): Promise<void> {
    if (this.appending || this.queue.length > 0)
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.local.idle();
  }

  async close(): Promise<void> {
    await this.idle();
    this.failure ??= new Error('The store writer is closed.');
    await this.local.close();
  }

  private appendNext(): void {
    const next = this.queue[0];
    if (this.appending || next === undefined) return;
    this.appending = true;
    const started = performance.now();
    const rows = toRows(next.batch, this.periods);
    this.log.append({ kind: 'batch', ...this.writer, rows }, this.lastSequence).then(
      (seq) => {
        this.lastSequence = seq;
        this.queue.shift();
        const commitLocally = (): void => {
          this.local.commitRows(rowsAt({ kind: 'batch', ...this.writer, rows }, seq), (result) => {
            this.stats.commits++;
            this.stats.ms += performance.now() - started;
            next.done(result);
          });
          this.appended();
        };
        const erased = deletedBlobKeys(rows);
        if (erased.length === 0) commitLocally();
        // The erasure is answered once the cluster's copy of its bytes is gone too. Local commits keep
        // their order: the next append waits (erasures are rare).
        else void this.deleteBlobs(erased).then(commitLocally);
      },
      (error: unknown) => {
        this.failure = error instanceof Error ? error : new Error(String(error));
        for (const waiting of this.queue.splice(0)) waiting.done({ ok: false, error: this.failure });
        this.appended();
        this.onFailure(this.failure);
      },
    );
  }

  /**
   * Deletes erased blobs from the object store. The batch is in the log whatever happens here: a delete
   * that fails is logged, and the next owner's sweep of unnamed objects takes the bytes (CLUSTER-9).
   */
  private async deleteBlobs(keys: readonly string[]): Promise<void> {
    try {
      for (const key of keys) await this.blobs.delete(key);
    } catch (error) {
      this.logger.warn({ err: error, keys }, 'erased picture bytes not deleted from the cluster');
    }
  }

  private appended(): void {
    this.appending = false;
    if (this.queue.length > 0) this.appendNext();
    else for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
