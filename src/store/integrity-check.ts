import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from './data-dir.js';
import { messageOf } from './integrity-problems.js';
import { startThread } from './thread-module.js';

/**
 * The verdict of SQLite's integrity check of a data directory's store: what it found wrong (empty when
 * the store is sound), or undefined when there was no store to check as it started (a new directory).
 */
export type IntegrityCheck = Promise<readonly string[] | undefined>;

/**
 * Starts the integrity check of the store in `dataDir` on a thread of its own (integrity-thread.ts), so
 * that it runs while the server's code loads instead of before it (DURABILITY-8). Only the check is here,
 * and only Node built-ins: `truinlag serve` starts it before it imports the server. The verdict never
 * rejects: a check that cannot run is itself a problem to refuse on.
 */
export function startIntegrityCheck(dataDir: string): IntegrityCheck {
  const path = join(dataDir, DATABASE_FILE);
  if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const thread = startThread(import.meta.url, 'integrity-thread', { workerData: path });
    thread.once('message', (problems: string[]) => resolve(problems));
    thread.once('error', (error) => resolve([messageOf(error)]));
    // After its answer this changes nothing; without one, the check did not run to its end.
    thread.once('exit', (code) => resolve([`the integrity check stopped without a verdict (exit ${code})`]));
  });
}
