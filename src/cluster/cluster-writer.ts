import type { Logger } from 'pino';
import { toRows } from '../store/commit-rows.js';
import type { CommitWriter } from '../store/commit-writer.js';
import type { PeriodTracker } from '../store/period-rows.js';
import { AppendingWriter, type Waiting } from './appending-writer.js';
import type { BatchLog, Writer } from './batch-log.js';
import { deletedBlobKeys, type BlobObjects } from './blob-objects.js';
import { rowsAt } from './local-replica.js';

/**
 * The owner's store writer in a cluster with one engine lease: each batch is appended to the JetStream
 * batch log, expecting the log's last sequence to be the one this node appended before (so a node that
 * lost its lease cannot append: someone else's takeover marker moved the log on), and only after the
 * cluster stored it is it applied to the node's own SQLite copy and reported done (AppendingWriter).
 */
export class ClusterWriter extends AppendingWriter {
  constructor(
    private readonly log: BatchLog,
    local: CommitWriter,
    private readonly writer: Writer,
    /** The log's last sequence when this node took over (its own takeover marker). */
    private lastSequence: number,
    /** Called once, when an append failed: the node no longer may (or can) write and must step down. */
    onFailure: (error: Error) => void,
    /** What the local store holds of each team's periods: a batch carries only the periods that changed. */
    private readonly periods: PeriodTracker,
    blobs: BlobObjects,
    logger: Pick<Logger, 'warn'>,
  ) {
    super(local, blobs, logger, onFailure);
  }

  protected appendNext(next: Waiting): void {
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
          this.settled();
        };
        const erased = deletedBlobKeys(rows);
        if (erased.length === 0) commitLocally();
        // The erasure is answered once the cluster's copy of its bytes is gone too. Local commits keep
        // their order: the next append waits (erasures are rare).
        else void this.deleteBlobs(erased).then(commitLocally);
      },
      (error: unknown) => this.failed(error),
    );
  }
}
