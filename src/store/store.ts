import type { PlayerTable } from '../engine/player-table.js';
import type { TeamTable } from '../engine/team-table.js';
import type { IdSpace, TableName, Tables, Write } from '../engine/state.js';
import type { Recipients } from '../runtime/audience.js';
import type { Statement } from './privacy-sql.js';

/**
 * One broadcast as it is logged: the log keeps its `event` (JSON) and, beside stream, seq and time, its
 * `recipients`; `message` is the exact frame sent to clients, rendered from those (encode.ts).
 */
export interface LoggedBroadcast {
  readonly stream: string;
  readonly seq: number;
  readonly at: number;
  readonly recipients: Recipients;
  readonly event: string;
  readonly message: string;
  /** The seq of the earlier location broadcast on this stream this one takes out of the log (RESUME-3). */
  readonly supersedes?: number;
}

/**
 * A request's answer kept for idempotency (IDEMPOTENCY-1): `answer` is the response without its envelope
 * (`{"ok":…}`), which `encodeResponse` puts back around it when the request is sent again.
 */
export interface AnsweredRequest {
  readonly client: string;
  readonly request: string;
  readonly at: number;
  readonly answer: string;
}

/** A logged location broadcast that a later one of the same team, stream and recipients supersedes. */
export interface LatestLocation {
  readonly stream: string;
  readonly team: number;
  /** The recipients as stored (null: every follower of the stream). */
  readonly recipients: string | null;
  readonly seq: number;
}

/** Where a kept answer sits in the store's key index: when it was answered, and by whom under which id. */
export interface AnsweredKey {
  readonly at: number;
  readonly clientKey: string;
  readonly requestId: string;
}

/** Everything one group commit makes durable together. */
export interface CommitBatch {
  readonly writes: readonly Write[];
  readonly broadcasts: readonly LoggedBroadcast[];
  readonly journal: readonly { readonly at: number; readonly input: string }[];
  readonly answers: readonly AnsweredRequest[];
  /** Drop answered requests and logged broadcasts older than this (epoch ms). */
  readonly prune?: number;
  /** Statements run after the rows, in order: blob deletes and redactions (PRIVACY-1, PRIVACY-2). */
  readonly statements?: readonly Statement[];
  /** The journal row (by index in `journal`) after which replay starts from `base` (DURABILITY-3). */
  readonly checkpoint?: { readonly journalIndex: number; readonly base: string };
}

/** Mutable view of the state that only the store (loading) and the runtime (applying writes) use. */
export type MutableState = {
  tables: {
    [K in TableName]: K extends 'player'
      ? PlayerTable
      : K extends 'team'
        ? TeamTable
        : Map<number, Tables[K]>;
  };
  nextIds: Record<TableName, number>;
  idSpace: IdSpace;
  sessionIds: Map<string, number>;
  streams: Map<string, number>;
};

/** What becomes of one commit: durable, or not written at all. */
export type CommitResult = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/** Bytes stored beside the state (a picture and its thumbnail), under a key of their own. */
export interface StoredBlob {
  readonly key: string;
  readonly mime: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
}

export interface BackupResult {
  readonly totalPages: number;
}

export interface WriterStats {
  /** Transactions made durable. */
  commits: number;
  /** Time spent in them, fsync included (ms). */
  ms: number;
  /** WAL checkpoints run between them, and their time (ms): never inside a commit. */
  checkpoints: number;
  checkpointMs: number;
}

/**
 * The one writer of a store while the server runs. It makes batches durable without the caller waiting:
 * each `commit`'s `done` runs once, in call order, after its batch is on disk or with the error that kept
 * it off. After a failure it refuses what was already queued behind (computed on top of it) until the
 * caller has been told of them all.
 */
export interface StoreWriter {
  readonly stats: WriterStats;
  /** Why the writer takes nothing more (it was closed, or its thread died), or undefined while it writes. */
  readonly stopped: Error | undefined;
  commit(batch: CommitBatch, done: (result: CommitResult) => void): void;
  /**
   * Makes blobs durable in a transaction of their own, beside the commits (the picture job's bytes, which
   * never pass through the engine's loop or the journal: PICTURE-4). A blob already stored under its key
   * is kept as it is (keys are content hashes).
   */
  storeBlobs(blobs: readonly StoredBlob[]): Promise<void>;
  /** An online, consistent copy of the store in `file`; commits go on meanwhile. */
  backup(file: string): Promise<BackupResult>;
  /** Resolves when nothing is being written or waiting to be. */
  idle(): Promise<void>;
  /** Waits for what was queued, then stops writing. */
  close(): Promise<void>;
}

export interface StoreStatus {
  readonly open: boolean;
  /** Schema migrations this code knows and the store has not had yet (0 once it is up to date). */
  readonly pendingMigrations: number;
}

/** Reads blob bytes on demand (picture jobs). */
export interface BlobSource {
  /** Bytes `offset ..< offset + length` of one blob (fewer at its end), or undefined when there is none. */
  readBlob(key: string, offset: number, length: number): Buffer | undefined;
}

/** The durable store as the runtime uses it: it loads and reads here; it writes through `openWriter`. */
export interface Store extends BlobSource {
  /** The only folder `server.backup` writes into (inside the data directory). */
  readonly backupsDir: string;
  /** Loads the whole state into memory. */
  load(): MutableState;
  /** Runs `work` inside one read transaction (a turn's many small reads take the read lock once). */
  reading(work: () => void): void;
  /** Up to `limit` keys of kept answers after `after`, oldest first (read in pages after start). */
  answeredKeysAfter(after: AnsweredKey | undefined, limit: number): AnsweredKey[];
  /** The kept answer (without its envelope) to an already answered request, if any (IDEMPOTENCY-1). */
  keptAnswer(client: string, request: string): string | undefined;
  /** Logged broadcasts of a stream after `seq`, oldest first. */
  broadcastsSince(stream: string, seq: number, limit: number): LoggedBroadcast[];
  /** The last sequence number of a stream that retention took out of its log (0: none yet). */
  prunedThrough(stream: string): number;
  /** The last logged location broadcast of each team, stream and recipients (RESUME-3), read at start. */
  latestLocations(): LatestLocation[];
  /** Whether the store is open and its schema up to date (readiness, HEALTH-2). */
  status(): StoreStatus;
  /** The writer (one per store) that makes the runtime's batches durable. */
  openWriter(busyTimeoutMs?: number): StoreWriter;
  /** Folds what was written into the main file (at shutdown). */
  checkpoint(): void;
  close(): void;
}
