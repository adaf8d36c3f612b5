import Database from 'better-sqlite3';
import type { JournalRow } from '../protocol/commands/accounts.js';
import { readJournalInput } from './journal-input.js';

/** Which journal rows the audit asks for (AUTH-9). */
export interface JournalQuery {
  readonly session: number | null;
  /** Only rows at or after this time (epoch ms). */
  readonly since: number;
  /** The newest this many rows. */
  readonly limit: number;
}

/**
 * The newest journal rows that match, oldest first, and whether older ones matched too. Read on a
 * read-only connection of its own, so that the store's connections (the loader's and the commit writer's)
 * are not involved; WAL mode lets it read beside the writer.
 */
export function readJournal(
  databasePath: string,
  query: JournalQuery,
): { rows: JournalRow[]; more: boolean } {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const found = db
      .prepare(
        `SELECT seq, at, input FROM journal
         WHERE at >= ? AND (? IS NULL OR json_extract(input, '$.session') = ?)
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(query.since, query.session, query.session, query.limit + 1) as {
      seq: number;
      at: number;
      input: string;
    }[];
    const rows = found.slice(0, query.limit).reverse().map(journalRow);
    return { rows, more: found.length > query.limit };
  } finally {
    db.close();
  }
}

function journalRow(row: { seq: number; at: number; input: string }): JournalRow {
  const input = readJournalInput(row);
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    seq: row.seq,
    at: row.at,
    actor: { ...input.actor },
    session: input.session ?? null,
    command: record(input.command),
  };
}
