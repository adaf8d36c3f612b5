import type Database from 'better-sqlite3';

/** How many of SQLite's integrity problems a refusal lists. */
const PROBLEMS_SHOWN = 5;

/**
 * What SQLite's full integrity check finds wrong with the database (empty when it is sound). The full
 * check, not `quick_check`: only it also verifies that every index holds exactly its table's rows, and a
 * wrong index answers lookups wrongly (an answered request id not found, IDEMPOTENCY-1) without a word.
 */
export function integrityProblems(db: Database.Database): string[] {
  try {
    const rows = db.pragma(`integrity_check(${PROBLEMS_SHOWN})`, { simple: false }) as {
      integrity_check: string;
    }[];
    const problems = rows.map((row) => row.integrity_check);
    return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
  } catch (error) {
    return [messageOf(error)];
  }
}

/** An error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
