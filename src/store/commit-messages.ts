import type { StoredBlob } from './store.js';

/** The messages between the commit writer (the loop's side) and its thread (commit-thread.ts). */

/** Ends a refusal after a failed commit: what is posted from now on is to be written again. */
export const RESET = 'reset';
/** Stops the thread once what is queued before it is written. */
export const CLOSE = 'close';

/** Work beside the commits, answered by a {@link RequestReply} with the same `request` number. */
export type ThreadRequest = { readonly request: number } & (
  | { readonly backup: string }
  /** Blobs to store in a transaction of their own (structured-cloned bytes, not JSON). */
  | { readonly blobs: readonly StoredBlob[] }
);

/** To the thread: a commit's rows as one text (commit-text.ts), a reset, a close, a backup or blobs. */
export type ToThread = string | ThreadRequest;

/** What the thread answers for each group of posted commits it took into one transaction. */
export type CommitReply =
  | {
      readonly ok: true;
      readonly count: number;
      readonly ms: number;
      /** The thread's WAL checkpoints so far and their time (ms), run between transactions. */
      readonly checkpoints: number;
      readonly checkpointMs: number;
    }
  /** `first`: this group failed itself (not refused for an earlier failure); the thread awaits a reset. */
  | {
      readonly ok: false;
      readonly count: number;
      readonly ms: number;
      readonly message: string;
      readonly first: boolean;
    };

/** The end of a {@link ThreadRequest}: `totalPages` for a backup, or why it failed. */
export interface RequestReply {
  readonly request: number;
  readonly totalPages?: number;
  readonly error?: string;
}

export type FromThread = CommitReply | RequestReply;

/** What the thread is started with. */
export interface ThreadData {
  readonly databasePath: string;
  readonly busyTimeoutMs: number;
}
