import type { AuditEntry, JournalRow } from '../../protocol/commands/accounts.js';
import { authorOf } from '../authors.js';
import { ok, type Actor, type Handler } from '../handler.js';
import type { Tx } from '../tx.js';

/** Job kind the runtime runs for the audit: it reads the journal (src/runtime/audit-job.ts). */
export const AUDIT_JOB = 'audit';
export const AUDIT_DEFAULT_ENTRIES = 1_000;

/** What the audit job is asked for. */
export interface AuditQuery {
  readonly session: number | null;
  readonly since: number;
  readonly limit: number;
}

/**
 * The audit (AUTH-9): the journal is not part of the state, so the runtime reads it beside the engine
 * and hands the rows back (`audit.found`), and the engine names their authors.
 */
export const auditList: Handler<'audit.list'> = (command, { startJob }) => {
  const input: AuditQuery = {
    session: command.session ?? null,
    since: command.since ?? 0,
    limit: command.limit ?? AUDIT_DEFAULT_ENTRIES,
  };
  startJob({ kind: AUDIT_JOB, input });
  return { ok: 'deferred' };
};

export const auditFound: Handler<'audit.found'> = (command, { tx }) =>
  ok({ entries: command.rows.map((row) => auditEntry(tx, row)), more: command.more });

/** Fields whose values are secrets or their digests: never shown (AUTH-4, AUTH-9). */
const SECRET_FIELDS = new Set(['passphrase', 'token']);

function auditEntry(tx: Tx, row: JournalRow): AuditEntry {
  const { type, redacted, ...params } = row.command;
  // The row was parsed from the journal's JSON text, so every value is JSON.
  const shown = Object.fromEntries(
    Object.entries(params).filter(([key]) => !SECRET_FIELDS.has(key)),
  ) as NonNullable<AuditEntry['params']>;
  return {
    seq: row.seq,
    at: row.at,
    by: authorOf(tx, actorOf(row.actor)),
    command: String(type),
    session: row.session,
    params: redacted === true ? null : shown,
  };
}

/** The journaled actor, read back defensively: an unknown shape counts as the engine. */
function actorOf(actor: Record<string, unknown>): Actor {
  const id = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  if (actor.kind === 'admin') {
    const gm = id(actor.gm);
    return gm === undefined ? { kind: 'admin' } : { kind: 'admin', gm };
  }
  const player = id(actor.player);
  if (actor.kind === 'player' && player !== undefined) return { kind: 'player', player };
  if (actor.kind === 'guest') return { kind: 'guest' };
  return { kind: 'system' };
}
