import type { CommitRows } from '../store/commit-rows.js';
import { CommitWriter } from '../store/commit-writer.js';
import { BUSY_TIMEOUT_MS, SqliteStore } from '../store/sqlite-store.js';
import { LogTrimmedError, type BatchLog, type LogEntry } from './batch-log.js';
import { POSITION_KEY, swapIntoDataDir } from './snapshot-file.js';
import type { SnapshotLoader } from './shared-snapshots.js';
import { needsSnapshot } from './snapshot-policy.js';
import type { StoredBlob } from '../store/store.js';

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

/** Reads of a log trimmed meanwhile (a snapshot stored since the look) tried again before giving up. */
const CATCH_UP_ATTEMPTS = 3;

/** Catching up stops at the first entry of a part (per-session ownership): the runtime applies the rest. */
class PartEntryReached extends Error {}

/**
 * A standby node's copy of the state: its own SQLite store (with its log position), brought up to date by
 * applying the log's entries in order. The owner opens the same store afterwards, so a takeover is a load
 * of this copy plus a replay of the few entries it has not applied yet. When the entries after its
 * position were trimmed (an empty data directory, a node down for long), it first loads the newest shared
 * snapshot into its data directory (CLUSTER-8).
 */
export class LocalReplica {
  private store: SqliteStore;
  private writer: CommitWriter;
  private applied: number;
  private failure: Error | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly snapshots: SnapshotLoader,
  ) {
    this.store = SqliteStore.open(dataDir, { mustExist: false });
    this.writer = new CommitWriter(this.store.path, BUSY_TIMEOUT_MS);
    this.applied = positionOf(this.store);
  }

  /** The copy's store as it is now (loading a snapshot replaces it). */
  get copy(): SqliteStore {
    return this.store;
  }

  /** The last log entry this copy holds. */
  get position(): number {
    return this.applied;
  }

  /**
   * Applies every log entry after this copy's position up to `until` (default: the log's end), loading
   * the newest snapshot first when the log may no longer hold every entry after the position: the log
   * starts later, or the copy is behind the oldest kept snapshot, through which the log may have been
   * trimmed. Trimmed by part (CLUSTER-23), the log keeps each part's last entry, so its first sequence
   * can be far older than the entries that are gone.
   */
  async catchUp(log: BatchLog, until?: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const bounds = await log.bounds();
      const end = until ?? bounds.last;
      // The snapshots are looked at only when there is something to read (a standby looks every tick).
      const gapless =
        this.applied < end
          ? Math.max(bounds.first, (await this.snapshots.trimmedThrough()) + 1)
          : bounds.first;
      if (needsSnapshot(this.applied, gapless)) await this.loadSnapshot(gapless);
      try {
        await this.apply(log, end);
        return this.applied;
      } catch (error) {
        // Trimmed between the look at the snapshots and the read: again, from a newer snapshot.
        if (!(error instanceof LogTrimmedError) || attempt >= CATCH_UP_ATTEMPTS) throw error;
      }
    }
  }

  /** Stores picture bytes in the copy, behind the entries applied so far (CLUSTER-9). */
  storeBlobs(blobs: readonly StoredBlob[]): Promise<void> {
    return this.writer.storeBlobs(blobs);
  }

  async close(): Promise<void> {
    await this.writer.close();
    this.store.close();
  }

  private async apply(log: BatchLog, until: number): Promise<void> {
    try {
      await log.read(this.applied, until, (seq, entry) => {
        // A part's entry (CLUSTER-22) needs the engine's state to apply: the node's runtime applies it.
        if ('part' in entry) throw new PartEntryReached();
        this.writer.commitRows(rowsAt(entry, seq), (result) => {
          if (result.ok) this.applied = seq;
          else this.failure ??= result.error;
        });
        return Promise.resolve();
      });
    } catch (error) {
      if (!(error instanceof PartEntryReached)) throw error;
    } finally {
      await this.writer.idle();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Replaces the store by the newest snapshot reaching back to `firstSequence` (checked before, swapped
   * in while closed), then reopens.
   */
  private async loadSnapshot(firstSequence: number): Promise<void> {
    const file = await this.snapshots.fetchNewest(firstSequence);
    await this.close();
    try {
      swapIntoDataDir(this.dataDir, file);
    } finally {
      this.store = SqliteStore.open(this.dataDir, { mustExist: false });
      this.writer = new CommitWriter(this.store.path, BUSY_TIMEOUT_MS);
      this.applied = positionOf(this.store);
    }
  }
}
