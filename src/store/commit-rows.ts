import { checkpointStatements, type Statement } from './privacy-sql.js';
import type { CommitBatch } from './store.js';

/** One commit's rows, as the writer thread runs them: parameters of prepared statements, in order. */
export interface CommitRows {
  /** Entity writes in the order the engine made them: a JSON document, or null to delete the record. */
  readonly entities: [kind: string, id: number, doc: string | null][];
  readonly meta: [key: string, value: string][];
  readonly journal: [at: number, input: string][];
  readonly broadcasts: [stream: string, seq: number, at: number, recipients: string, message: string][];
  readonly answers: [client: string, request: string, at: number, response: string][];
  /** Drop answered requests and logged broadcasts older than this (epoch ms), in the same transaction. */
  prune?: number;
  /** SQL run after the rows, in order: blob deletes, redactions and a checkpoint (PRIVACY-1, PRIVACY-2). */
  readonly statements?: Statement[];
}

/**
 * A batch as the rows the commit writer stores in one transaction. Counters and stream positions are
 * written once per batch, with their last value.
 */
export function toRows(batch: CommitBatch): CommitRows {
  const meta = new Map<string, string>();
  const entities: CommitRows['entities'] = [];
  for (const write of batch.writes) {
    if (write.op === 'put') entities.push([write.table, write.id, JSON.stringify(write.doc)]);
    else if (write.op === 'delete') entities.push([write.table, write.id, null]);
    else meta.set(`nextId:${write.table}`, String(write.next));
  }
  // Remember the last sequence number even after the log is pruned, so numbers stay gap-free.
  for (const b of batch.broadcasts) meta.set(`stream:${b.stream}`, String(b.seq));
  return {
    entities,
    meta: [...meta],
    journal: batch.journal.map((entry) => [entry.at, entry.input]),
    broadcasts: batch.broadcasts.map((b) => [b.stream, b.seq, b.at, JSON.stringify(b.recipients), b.message]),
    answers: batch.answers.map((a) => [a.client, a.request, a.at, a.response]),
    ...(batch.prune === undefined ? {} : { prune: batch.prune }),
    ...statementsOf(batch),
  };
}

/** The batch's privacy statements, then those of its checkpoint: both only when there are any. */
function statementsOf(batch: CommitBatch): Pick<CommitRows, 'statements'> {
  const { checkpoint } = batch;
  const statements = [
    ...(batch.statements ?? []),
    ...(checkpoint === undefined
      ? []
      : checkpointStatements(checkpoint.base, batch.journal.length - 1 - checkpoint.journalIndex)),
  ];
  return statements.length === 0 ? {} : { statements };
}
