import type { TeamRecord } from '../engine/game/types.js';
import type { Write } from '../engine/state.js';
import { teamCore, type PeriodRow, type PeriodTracker } from './period-rows.js';
import { checkpointStatements, type Statement } from './privacy-sql.js';
import type { CommitBatch } from './store.js';

/** One commit's rows, as the writer thread runs them: parameters of prepared statements, in order. */
export interface CommitRows {
  /** Entity writes in the order the engine made them: a JSON document, or null to delete the record. */
  readonly entities: [kind: string, id: number, doc: string | null][];
  /** Teams' periods that changed, in order (period-rows.ts). */
  readonly periods: PeriodRow[];
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
 * written once per batch, with their last value; a team's periods only where they changed (`periods`
 * knows what is stored).
 */
export function toRows(batch: CommitBatch, periods: PeriodTracker): CommitRows {
  const meta = new Map<string, string>();
  const entities: CommitRows['entities'] = [];
  const periodRows: PeriodRow[] = [];
  for (const write of batch.writes) {
    if (write.op === 'nextId') meta.set(`nextId:${write.table}`, String(write.next));
    else entities.push(entityRow(write, periods, periodRows));
  }
  // Remember the last sequence number even after the log is pruned, so numbers stay gap-free.
  for (const b of batch.broadcasts) meta.set(`stream:${b.stream}`, String(b.seq));
  return {
    entities,
    periods: periodRows,
    meta: [...meta],
    journal: batch.journal.map((entry) => [entry.at, entry.input]),
    broadcasts: batch.broadcasts.map((b) => [b.stream, b.seq, b.at, JSON.stringify(b.recipients), b.message]),
    answers: batch.answers.map((a) => [a.client, a.request, a.at, a.response]),
    ...(batch.prune === undefined ? {} : { prune: batch.prune }),
    ...statementsOf(batch),
  };
}

/** The entity row of a put or delete; a team's also adds the rows of its periods that changed. */
function entityRow(
  write: Exclude<Write, { op: 'nextId' }>,
  periods: PeriodTracker,
  periodRows: PeriodRow[],
): CommitRows['entities'][number] {
  if (write.op === 'delete') {
    if (write.table === 'team') periods.delete(write.id, periodRows);
    return [write.table, write.id, null];
  }
  if (write.table !== 'team') return [write.table, write.id, JSON.stringify(write.doc)];
  const team = write.doc as TeamRecord;
  periods.put(team, periodRows);
  return ['team', write.id, teamCore(team)];
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
