import type { Write } from '../engine/state.js';
import type { Statement } from '../store/privacy-sql.js';
import type { AnsweredRequest, LoggedBroadcast } from '../store/store.js';
import type { PartBatch } from './turn-batch.js';

/** A logged broadcast as the log carries it: the frame is rendered again from these (encodeLoggedBroadcast). */
export type ReplicatedBroadcast = Omit<LoggedBroadcast, 'message' | 'supersedes'>;

/**
 * Another node's part batch, as read from the cluster's log (JSON-safe, CLUSTER-18). Which location it
 * supersedes (RESUME-3) and its checkpoint's base (DURABILITY-3) are not in it: each node works those out
 * from its own copy as it applies the batch.
 */
export interface ReplicatedBatch {
  /** The part (`partKey`). */
  readonly part: string;
  readonly writes: readonly Write[];
  readonly broadcasts: readonly ReplicatedBroadcast[];
  readonly journal: readonly { readonly at: number; readonly input: string }[];
  readonly answers: readonly AnsweredRequest[];
  readonly statements?: readonly Statement[];
  /** The journal row (by index in `journal`) of the batch's last redacting step. */
  readonly checkpoint?: { readonly journalIndex: number };
}

/** A part batch as JSON text for the log. */
export function encodeReplicated(batch: PartBatch): string {
  const { part, writes, journal, answers, statements, checkpoint } = batch;
  const replicated: ReplicatedBatch = {
    part,
    writes,
    broadcasts: batch.broadcasts.map(({ stream, seq, at, recipients, event }) => ({
      stream,
      seq,
      at,
      recipients,
      event,
    })),
    journal,
    answers,
    ...(statements === undefined || statements.length === 0 ? {} : { statements }),
    ...(checkpoint === undefined ? {} : { checkpoint: { journalIndex: checkpoint.journalIndex } }),
  };
  return JSON.stringify(replicated);
}

/** A part batch read back from the log (text made by {@link encodeReplicated}). */
export function decodeReplicated(text: string): ReplicatedBatch {
  const batch = JSON.parse(text) as ReplicatedBatch;
  if (typeof batch.part !== 'string' || !Array.isArray(batch.writes) || !Array.isArray(batch.broadcasts))
    throw new Error('Not a replicated part batch.');
  return batch;
}
