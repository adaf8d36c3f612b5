import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { StoreWriter } from '../store/store.js';
import type { BatchLog } from './batch-log.js';
import type { SweptLeftovers } from './leftover-chunks.js';
import type { PartLog } from './part-log.js';
import { checkedPositionInFile, positionInFile, removeSqliteFile, snapshotFile } from './snapshot-file.js';
import {
  keptSnapshots,
  needsSnapshot,
  resolveSnapshotSettings,
  type SnapshotSettings,
} from './snapshot-policy.js';
import { SnapshotStore, type StoredSnapshot } from './snapshot-store.js';
import { Snapshotter } from './snapshotter.js';

/** What a standby's copy needs to start over from a snapshot. */
export interface SnapshotLoader {
  /**
   * Downloads the newest snapshot into the data directory's snapshots folder, checks that it is a store
   * holding the position it is named by, and returns the file. Only snapshots that reach back to the log's
   * `firstSequence` will do (else entries in between would be missing); when the newest cannot be read,
   * the older one is tried. Throws when none will do.
   */
  fetchNewest(firstSequence: number): Promise<string>;
  /**
   * The log position through which the log may have been trimmed: the oldest kept snapshot's (0 for
   * none). Every entry after it is still in the log; a copy behind it may miss entries even where the
   * log's first sequence is older (a trim keeps each part's last entry, CLUSTER-23).
   */
  trimmedThrough(): Promise<number>;
}

/** The log a snapshot lets its owner trim: the whole stream (one writer), or by part (CLUSTER-23). */
type TrimmedLog = Pick<BatchLog | PartLog, 'trimThrough'>;

/**
 * A node's side of the shared snapshots (CLUSTER-8): as owner it takes them (an online copy of its store
 * made on the writer's thread, uploaded with its log position) and trims the log behind the oldest one
 * kept; as standby it loads the newest when the log no longer reaches back to its copy's position.
 * Snapshots of one node never overlap: one runs at a time.
 */
export class SharedSnapshots implements SnapshotLoader {
  private taking = false;

  private constructor(
    private readonly store: SnapshotStore,
    private readonly log: BatchLog,
    private readonly dataDir: string,
    private readonly settings: SnapshotSettings,
    /** How old unnamed chunks must be before they are swept (CLUSTER-14). */
    private readonly leftoverGraceMs: number,
    private readonly logger: Logger,
  ) {}

  /** Opens (creating when missing) the snapshot bucket, with the settings from the environment. */
  static async open(
    js: JetStreamClient,
    log: BatchLog,
    options: { dataDir: string; replicas: number; leftoverGraceMs: number; logger: Logger },
  ): Promise<SharedSnapshots> {
    const settings = resolveSnapshotSettings();
    const store = await SnapshotStore.open(js, options.replicas);
    const { dataDir, leftoverGraceMs, logger } = options;
    return new SharedSnapshots(store, log, dataDir, settings, leftoverGraceMs, logger);
  }

  /**
   * Starts taking snapshots of the owner's store when due; `position` reads the log position its store
   * holds. After each, the log is trimmed behind the oldest kept one: the whole stream, or with an owner
   * per part `log` (the parts' trim keeps each part's last entry, CLUSTER-23). Stop the returned
   * snapshotter when the node stops owning the engine (or the global part).
   */
  startTaking(
    writer: Pick<StoreWriter, 'backup'>,
    position: () => number,
    log: TrimmedLog = this.log,
  ): Snapshotter {
    return new Snapshotter(
      this.settings,
      position,
      () => this.newestPosition(),
      () => this.take(writer, log),
      (error) => this.logger.warn({ err: error }, 'snapshot failed: trying again at the next look'),
    );
  }

  async fetchNewest(firstSequence: number): Promise<string> {
    const usable = (await this.store.list()).filter((s) => !needsSnapshot(s.position, firstSequence));
    let failure: unknown = new Error(
      `The batch log starts at sequence ${firstSequence}, and no snapshot reaches back to it.`,
    );
    // The newest first; an older one still reaching the log's start if the newest cannot be read.
    for (const snapshot of usable) {
      try {
        return await this.fetch(snapshot);
      } catch (error) {
        this.logger.warn({ err: error, snapshot: snapshot.name }, 'snapshot not usable');
        failure = error;
      }
    }
    throw failure;
  }

  /** Downloads one snapshot and checks it is a store holding the position it is named by. */
  private async fetch(snapshot: StoredSnapshot): Promise<string> {
    const file = snapshotFile(this.dataDir, 'incoming.db');
    removeSqliteFile(file);
    const started = performance.now();
    try {
      await this.store.download(snapshot, file);
      const position = checkedPositionInFile(file);
      if (position !== snapshot.position)
        throw new Error(
          `Snapshot ${snapshot.name} holds log position ${position}, not ${snapshot.position}.`,
        );
    } catch (error) {
      removeSqliteFile(file);
      throw error;
    }
    const ms = Math.round(performance.now() - started);
    this.logger.info({ snapshot: snapshot.name, bytes: snapshot.size, ms }, 'snapshot downloaded');
    return file;
  }

  private async newestPosition(): Promise<number> {
    return (await this.store.list())[0]?.position ?? 0;
  }

  async trimmedThrough(): Promise<number> {
    return keptSnapshots(await this.store.list()).trimThrough;
  }

  /**
   * Copies the store through the writer (SQLite's online backup on its thread: commits go on), reads the
   * copy's position, uploads it, then drops the snapshots beyond the kept ones and trims the log through
   * the oldest kept. Resolves with the position, or undefined when another snapshot was still running.
   */
  private async take(writer: Pick<StoreWriter, 'backup'>, log: TrimmedLog): Promise<number | undefined> {
    if (this.taking) return undefined;
    this.taking = true;
    const file = snapshotFile(this.dataDir, 'outgoing.db');
    try {
      removeSqliteFile(file);
      const started = performance.now();
      await writer.backup(file);
      const position = positionInFile(file);
      const copied = performance.now();
      const stored = await this.store.put(file, position);
      const uploaded = performance.now();
      const trimmed = await this.prune(log);
      await this.sweepLeftovers().then(
        (swept) => swept.subjects > 0 && this.logger.info(swept, 'snapshot leftovers swept'),
        (error: unknown) =>
          this.logger.warn({ err: error }, 'snapshot leftovers not swept: swept again later'),
      );
      this.logger.info(
        {
          snapshot: stored.name,
          bytes: stored.size,
          copyMs: Math.round(copied - started),
          uploadMs: Math.round(uploaded - copied),
          trimmed,
        },
        'snapshot stored',
      );
      return position;
    } finally {
      removeSqliteFile(file);
      this.taking = false;
    }
  }

  /**
   * Purges what uploads cut off by a kill left in the bucket (CLUSTER-14); run after each upload here, and
   * by the owner's sweeper at takeover and every grace period.
   */
  sweepLeftovers(): Promise<SweptLeftovers> {
    return this.store.sweepLeftovers(this.leftoverGraceMs);
  }

  /** Deletes the snapshots no longer kept, then trims the log through the oldest kept one. */
  private async prune(log: TrimmedLog): Promise<number> {
    const { dropped, trimThrough } = keptSnapshots<StoredSnapshot>(await this.store.list());
    for (const snapshot of dropped) await this.store.delete(snapshot);
    return trimThrough > 0 ? await log.trimThrough(trimThrough) : 0;
  }
}
