import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { seededRng } from '../engine/rng.js';
import { hashPlayerToken } from '../runtime/player-tokens.js';

/** Hex characters of the token an `auth.login` drew from its seed before tokens were hashed (AUTH-8). */
const LEGACY_TOKEN_BYTES = 24;

/**
 * A token record as stored before AUTH-8 (`token` in plain text) with the token replaced by its hash;
 * any other record is returned as it is. Used by the migration and by imports of older state documents.
 */
export function withHashedToken(record: Record<string, unknown>): Record<string, unknown> {
  if (typeof record.token !== 'string') return record;
  const { token, ...rest } = record;
  return { ...rest, tokenHash: hashPlayerToken(token) };
}

/**
 * Migration to hashed player tokens (AUTH-8), in place: token records keep only the hash; the journal's
 * logins get the hash of the token their seed made (so replay still gives the same state) and a fresh,
 * unrelated seed (a login draws nothing else from it), so the journal no longer lets anyone recompute a
 * token; the journal's base state is hashed the same way; stored login answers, which carried the token,
 * are dropped (a re-sent login logs in again).
 */
export function hashStoredPlayerTokens(db: Database.Database): void {
  const putDoc = db.prepare("UPDATE entity SET doc = ? WHERE kind = 'token' AND id = ?");
  for (const row of db.prepare("SELECT id, doc FROM entity WHERE kind = 'token'").all() as DocRow[]) {
    putDoc.run(JSON.stringify(withHashedToken(JSON.parse(row.doc) as Record<string, unknown>)), row.id);
  }
  const putInput = db.prepare('UPDATE journal SET input = ? WHERE seq = ?');
  const logins = db
    .prepare(`SELECT seq, input FROM journal WHERE input LIKE '%"type":"auth.login"%'`)
    .all() as JournalRow[];
  for (const row of logins) {
    const input = JSON.parse(row.input) as LegacyInput;
    if (input.command.type !== 'auth.login' || input.tokenHash !== undefined) continue;
    const token = seededRng(input.seed).hex(LEGACY_TOKEN_BYTES);
    const seed = randomBytes(16).toString('hex');
    putInput.run(JSON.stringify({ ...input, seed, tokenHash: hashPlayerToken(token) }), row.seq);
  }
  const base = db.prepare("SELECT value FROM meta WHERE key = 'journalBase'").pluck().get() as
    string | undefined;
  if (base !== undefined) {
    const document = JSON.parse(base) as { tables?: Record<string, Record<string, unknown>[]> };
    const tokens = document.tables?.token;
    if (tokens !== undefined && document.tables !== undefined) {
      document.tables.token = tokens.map(withHashedToken);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'journalBase'").run(JSON.stringify(document));
    }
  }
  db.exec("DELETE FROM answered WHERE json_extract(response, '$.result.token') IS NOT NULL");
}

interface DocRow {
  id: number;
  doc: string;
}
interface JournalRow {
  seq: number;
  input: string;
}
interface LegacyInput {
  command: { type: string };
  seed: number | string;
  tokenHash?: string;
}
