import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { hasSecrets } from '../runtime/secrets.js';
import { MIGRATIONS } from './migrations.js';
import { restoreHint, StartRefusal } from './start-refusal.js';

/** How many of SQLite's integrity problems a refusal lists. */
const PROBLEMS_SHOWN = 5;

/**
 * Refuses a database that should be there but is missing or empty (DURABILITY-5): with the installation's
 * secret present, a fresh empty store would start as if nothing had been lost.
 */
export function refuseMissing(path: string, dataDir: string): void {
  const file = basename(path);
  if (!existsSync(path)) {
    const installed = hasSecrets(dataDir);
    throw new StartRefusal(
      `The database ${file} is missing from ${dataDir}` +
        (installed
          ? ', which already holds an installation (secret.key): starting would begin with no data. '
          : '. ') +
        restoreHint(dataDir) +
        (installed
          ? ` To start a new, empty installation instead, remove secret.key and admin.token from ${dataDir} first.`
          : ''),
    );
  }
  if (statSync(path).size === 0) {
    throw new StartRefusal(
      `The database ${path} is empty (0 bytes): its data is gone. ${restoreHint(dataDir)}`,
    );
  }
}

/**
 * Refuses a file that is not a sound truinlag store before anything writes to it (DURABILITY-5): not a
 * database at all, a schema version from a newer truinlag, no schema where one must be, or a file that
 * fails SQLite's integrity check. A store without schema (version 0) is new and has nothing to check.
 */
export function checkSoundness(db: Database.Database, dataDir: string, mustHaveSchema: boolean): void {
  const path = db.name;
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw new StartRefusal(
      `${path} cannot be read as a database (${messageOf(error)}). ${restoreHint(dataDir)}`,
    );
  }
  if (version > MIGRATIONS.length) {
    throw new StartRefusal(
      `${path} has schema version ${version}, but this truinlag knows versions up to ${MIGRATIONS.length}: ` +
        `it was written by a newer truinlag. Run that version, or restore a backup made by this one. ` +
        restoreHint(dataDir),
    );
  }
  if (version === 0 && mustHaveSchema) {
    throw new StartRefusal(`${path} holds no truinlag data (no schema). ${restoreHint(dataDir)}`);
  }
  if (version === 0) return;
  const problems = integrityProblems(db);
  if (problems.length > 0) {
    throw new StartRefusal(
      `${path} fails SQLite's integrity check: ${problems.join('; ')}. ${restoreHint(dataDir)}`,
    );
  }
}

/** What SQLite's integrity check finds wrong (empty when the file is sound). */
function integrityProblems(db: Database.Database): string[] {
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
