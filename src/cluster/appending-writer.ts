import type { Logger } from 'pino';
import type { CommitWriter } from '../store/commit-writer.js';
import type {
  BackupResult,
  CommitBatch,
  CommitResult,
  StoredBlob,
  StoreWriter,
  WriterStats,
} from '../store/store.js';
import type { BlobObjects } from './blob-objects.js';

/** A batch waiting for its turn to be appended, and who is told how it went. */
export interface Waiting {
  readonly batch: CommitBatch;
  readonly done: (result: CommitResult) => void;
}

/**
 * What both cluster writers share (one engine lease: `ClusterWriter`; parts: `PartsWriter`): batches are
 * appended to the cluster's log one at a time, in call order, and only then committed to the node's own
 * SQLite copy. Once an append fails, every batch queued behind it (computed on top of it) is refused too,
 * and so is everything after: the writer never writes again. Picture bytes go to the cluster's object
 * store before the copy (CLUSTER-9). Subclasses append: `appendNext` takes `queue[0]` and calls `settled`
 * (or `failed`) when the append is done.
 */
export abstract class AppendingWriter implements StoreWriter {
  readonly stats: WriterStats = { commits: 0, ms: 0, checkpoints: 0, checkpointMs: 0 };
  protected readonly queue: Waiting[] = [];
  protected appending = false;
  private failure: Error | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    protected readonly local: CommitWriter,
    /** The cluster's copy of picture bytes (CLUSTER-9). */
    protected readonly blobs: BlobObjects,
    protected readonly logger: Pick<Logger, 'warn'>,
    /** Called once, when an append failed: the node no longer may (or can) write. */
    private readonly onFailure: (error: Error) => void,
  ) {}

  get stopped(): Error | undefined {
    return this.failure ?? this.local.stopped;
  }

  commit(batch: CommitBatch, done: (result: CommitResult) => void): void {
    const stopped = this.stopped;
    if (stopped !== undefined) return done({ ok: false, error: stopped });
    this.queue.push({ batch, done });
    this.next();
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

  /** Appends `queue[0]`; ends with `settled` (it is out of the queue) or `failed`. */
  protected abstract appendNext(next: Waiting): void;

  /** The append under way is done: the next one starts, or the idle waiters are told. */
  protected settled(): void {
    this.appending = false;
    if (this.queue.length > 0) this.next();
    else for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The append under way failed: it and everything queued is refused, and the writer stops for good. */
  protected failed(error: unknown): void {
    this.failure = error instanceof Error ? error : new Error(String(error));
    for (const waiting of this.queue.splice(0)) waiting.done({ ok: false, error: this.failure });
    this.settled();
    this.onFailure(this.failure);
  }

  /**
   * Deletes erased blobs from the object store. The batch is in the log whatever happens here: a delete
   * that fails is logged, and the next owner's sweep of unnamed objects takes the bytes (CLUSTER-9).
   */
  protected async deleteBlobs(keys: readonly string[]): Promise<void> {
    try {
      for (const key of keys) await this.blobs.delete(key);
    } catch (error) {
      this.logger.warn({ err: error, keys }, 'erased picture bytes not deleted from the cluster');
    }
  }

  private next(): void {
    const next = this.queue[0];
    if (this.appending || next === undefined) return;
    this.appending = true;
    this.appendNext(next);
  }
}
