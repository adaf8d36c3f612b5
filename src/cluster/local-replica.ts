import type { CommitRows } from '../store/commit-rows.js';
import { CommitWriter } from '../store/commit-writer.js';
import { BUSY_TIMEOUT_MS, type SqliteStore } from '../store/sqlite-store.js';
import type { StoredBlob } from '../store/store.js';
import type { BatchLog, LogEntry } from './batch-log.js';

/** The meta key under which a node's SQLite store records the last log entry it holds. */
export const POSITION_KEY = 'cluster:position';
const NO_ROWS: CommitRows = { entities: [], periods: [], meta: [], journal: [], broadcasts: [], answers: [] };

/**
 * A log entry's rows as the local store runs them, with the log position they bring it to: the rows and
 * the position land in one transaction, so a crash never leaves an entry applied but not counted.
 */
export function rowsAt(entry: LogEntry, seq: number): CommitRows {
  const rows = entry.kind === 'batch' ? entry.rows : NO_ROWS;
  return { ...rows, meta: [...rows.meta, [POSITION_KEY, String(seq)]] };
}

/** The log position a node's SQLite store holds (0 for a store that has applied nothing). */
export function positionOf(store: SqliteStore): number {
  return Number(store.metaValue(POSITION_KEY) ?? 0);
}

/**
 * A standby node's copy of the state: its own SQLite store (the snapshot, with its log position),
 * brought up to date by applying the log's entries in order. The owner opens the same store afterwards,
 * so a takeover is a load of this copy plus a replay of the few entries it has not applied yet.
 */
export class LocalReplica {
  private readonly writer: CommitWriter;
  private applied: number;
  private failure: Error | undefined;

  constructor(private readonly store: SqliteStore) {
    this.writer = new CommitWriter(store.path, BUSY_TIMEOUT_MS);
    this.applied = positionOf(store);
  }

  /** The last log entry this copy holds. */
  get position(): number {
    return this.applied;
  }

  /** Applies every log entry after this copy's position up to `until` (default: the log's end). */
  async catchUp(log: BatchLog, until?: number): Promise<number> {
    const end = until ?? (await log.lastSequence());
    await log.read(this.applied, end, (seq, entry) => {
      this.writer.commitRows(rowsAt(entry, seq), (result) => {
        if (result.ok) this.applied = seq;
        else this.failure ??= result.error;
      });
      return Promise.resolve();
    });
    await this.writer.idle();
    if (this.failure !== undefined) throw this.failure;
    return this.applied;
  }

  /** Stores picture bytes in the copy, behind the entries applied so far (CLUSTER-9). */
  storeBlobs(blobs: readonly StoredBlob[]): Promise<void> {
    return this.writer.storeBlobs(blobs);
  }

  async close(): Promise<void> {
    await this.writer.close();
    this.store.close();
  }
}
