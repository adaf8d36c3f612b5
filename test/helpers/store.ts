import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';

export interface EntityRow {
  readonly kind: string;
  readonly id: number;
  readonly doc: string;
}

/**
 * Reads a data directory's store through a separate read-only SQLite connection (as another process
 * would): the entity rows and the id counters, in a stable order.
 */
export function readStoreRows(dataDir: string): { entities: EntityRow[]; nextIds: Record<string, string> } {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    const entities = db.prepare('SELECT kind, id, doc FROM entity ORDER BY kind, id').all() as EntityRow[];
    const meta = db.prepare("SELECT key, value FROM meta WHERE key LIKE 'nextId:%' ORDER BY key").all() as {
      key: string;
      value: string;
    }[];
    return { entities, nextIds: Object.fromEntries(meta.map((m) => [m.key, m.value])) };
  } finally {
    db.close();
  }
}

/** Number of journal entries in a data directory's store. */
export function journalLength(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM journal').pluck().get() as number;
  } finally {
    db.close();
  }
}
