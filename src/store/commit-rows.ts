import type { TeamRecord } from '../engine/game/types.js';
import type { Write } from '../engine/state.js';
import { counterKey, ID_SPACE_KEY } from './id-counters.js';
import { teamCore, type PeriodRow, type PeriodTracker } from './period-rows.js';
import { checkpointStatements, type Statement } from './privacy-sql.js';
import { storedRecipients } from '../runtime/audience.js';
import type { CommitBatch, LoggedBroadcast } from './store.js';

/** One commit's rows, as the writer thread runs them: parameters of prepared statements, in order. */
export interface CommitRows {
  /** Entity writes in the order the engine made them: a JSON document, or null to delete the record. */
  readonly entities: [kind: string, id: number, doc: string | null][];
  /** Teams' periods that changed, in order (period-rows.ts). */
  readonly periods: PeriodRow[];
  readonly meta: [key: string, value: string][];
  readonly journal: [at: number, input: string][];
  /** Logged broadcasts: their events, and their recipients unless everyone on the stream (null). */
  readonly broadcasts: [stream: string, seq: number, at: number, recipients: string | null, event: string][];
  /** Logged location broadcasts that later ones superseded (RESUME-3), deleted after the inserts. */
  readonly superseded?: [stream: string, seq: number][];
  readonly answers: [client: string, request: string, at: number, answer: string][];
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
    if (write.op === 'idSpace') meta.set(ID_SPACE_KEY, write.space);
    else if (write.op === 'nextId') meta.set(counterKey(write), String(write.next));
    else entities.push(entityRow(write, periods, periodRows));
  }
  // Remember the last sequence number even after the log is pruned, so numbers stay gap-free.
  for (const b of batch.broadcasts) meta.set(`stream:${b.stream}`, String(b.seq));
  return {
    entities,
    periods: periodRows,
    meta: [...meta],
    journal: batch.journal.map((entry) => [entry.at, entry.input]),
    ...broadcastRows(batch.broadcasts),
    answers: batch.answers.map((a) => [a.client, a.request, a.at, a.answer]),
    ...(batch.prune === undefined ? {} : { prune: batch.prune }),
    ...statementsOf(batch),
  };
}

/**
 * The batch's broadcasts as log rows, and the deletes of the rows they supersede (RESUME-3). A broadcast
 * superseded within the batch itself is neither inserted nor deleted.
 */
function broadcastRows(
  broadcasts: readonly LoggedBroadcast[],
): Pick<CommitRows, 'broadcasts' | 'superseded'> {
  const superseded = new Set<string>();
  for (const b of broadcasts) if (b.supersedes !== undefined) superseded.add(`${b.stream}:${b.supersedes}`);
  const rows: CommitRows['broadcasts'] = [];
  for (const b of broadcasts) {
    const key = `${b.stream}:${b.seq}`;
    if (superseded.delete(key)) continue;
    rows.push([b.stream, b.seq, b.at, storedRecipients(b.recipients), b.event]);
  }
  if (superseded.size === 0) return { broadcasts: rows };
  return { broadcasts: rows, superseded: [...superseded].map(splitKey) };
}

/** A `stream:seq` key back as its parts (a stream name holds no colon: `global` or a session id). */
function splitKey(key: string): [string, number] {
  const colon = key.lastIndexOf(':');
  return [key.slice(0, colon), Number(key.slice(colon + 1))];
}

/** The entity row of a put or delete; a team's also adds the rows of its periods that changed. */
function entityRow(
  write: Extract<Write, { op: 'put' | 'delete' }>,
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
