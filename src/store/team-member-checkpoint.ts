import type Database from 'better-sqlite3';
import { checkpointStatements } from './privacy-sql.js';
import { toStateDocument } from './state-json.js';
import { readStoredState } from './state-rows.js';

/**
 * A journal row after the base whose command CLUSTER-15 may now refuse where the older rules wrote: a
 * `player.remove`, or a `player.edit` that names a session, used to take a team member off their team in
 * the same step; now both are `PLAYER_ON_TEAM` while a team lists the player.
 */
const ROW_NOW_REFUSABLE = `SELECT 1 FROM journal WHERE seq > @after AND (
    json_extract(input, '$.command.type') = 'player.remove'
    OR (json_extract(input, '$.command.type') = 'player.edit' AND json_type(input, '$.command.session') IS NOT NULL)
  ) LIMIT 1`;

/**
 * Migration 10 (DURABILITY-3, CLUSTER-15): a journal that may hold a step the current rules refuse would
 * no longer replay to the stored state, so the stored state becomes the journal's base, a checkpoint at
 * its last row, as a privacy checkpoint makes one (PRIVACY-2): replay starts after it and verifies every
 * row journaled from then on. The base is the document export and the privacy checkpoint write
 * (`toStateDocument`) of the state as the store's load reads it (`readStoredState`), so a later migration
 * that changes how records are stored must leave this one a reader of the tables as they are now. A
 * journal without such rows keeps its base.
 */
export function checkpointJournalOfTeamMemberMoves(db: Database.Database): void {
  const after = db.prepare("SELECT value FROM meta WHERE key = 'journalBaseSeq'").pluck().get() as
    string | undefined;
  if (db.prepare(ROW_NOW_REFUSABLE).get({ after: Number(after ?? 0) }) === undefined) return;
  const base = JSON.stringify(toStateDocument(readStoredState(db)));
  for (const [sql, params] of checkpointStatements(base, 0)) db.prepare(sql).run(params);
}
