/** The messages between the commit writer (the loop's side) and its thread (commit-thread.ts). */

/** Ends a refusal after a failed commit: what is posted from now on is to be written again. */
export const RESET = 'reset';
/** Stops the thread once what is queued before it is written. */
export const CLOSE = 'close';

export interface BackupRequest {
  readonly backup: number;
  readonly file: string;
}

/** To the thread: a commit's rows as one JSON text, a reset, a close, or a backup to start. */
export type ToThread = string | BackupRequest;

/** What the thread answers for each group of posted commits it took into one transaction. */
export type CommitReply =
  | { readonly ok: true; readonly count: number; readonly ms: number }
  /** `first`: this group failed itself (not refused for an earlier failure); the thread awaits a reset. */
  | {
      readonly ok: false;
      readonly count: number;
      readonly ms: number;
      readonly message: string;
      readonly first: boolean;
    };

export interface BackupReply {
  readonly backup: number;
  readonly totalPages?: number;
  readonly error?: string;
}

export type FromThread = CommitReply | BackupReply;

/** What the thread is started with. */
export interface ThreadData {
  readonly databasePath: string;
  readonly busyTimeoutMs: number;
}
