/**
 * The start-up integrity check's thread (started by integrity-check.ts, never imported): SQLite's full
 * check of the store on a read-only connection of its own, closed before the answer is posted, so that
 * the server's own connection never waits for this one's lock once it has the answer.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { integrityProblems } from './integrity-problems.js';

const db = new Database(workerData as string, { readonly: true, fileMustExist: true });
let problems: string[];
try {
  problems = integrityProblems(db);
} finally {
  db.close();
}
parentPort?.postMessage(problems);
