import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { hasSecrets } from '../runtime/secrets.js';
import { messageOf } from './integrity-problems.js';
import { MIGRATIONS } from './migrations.js';
import { restoreHint, StartRefusal } from './start-refusal.js';

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
 * Refuses a file that is not a truinlag store this truinlag can open (DURABILITY-5): not a database at
 * all, a schema version from a newer truinlag, or no schema where one must be. Returns the schema version;
 * a store without schema (version 0) is new, and has nothing for the integrity check to check.
 */
export function checkVersion(db: Database.Database, dataDir: string, mustHaveSchema: boolean): number {
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
  return version;
}

/** Refuses a store SQLite's integrity check found `problems` in (DURABILITY-5). */
export function refuseDamaged(path: string, dataDir: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new StartRefusal(
    `${path} fails SQLite's integrity check: ${problems.join('; ')}. ${restoreHint(dataDir)}`,
  );
}
