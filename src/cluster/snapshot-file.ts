import Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE, privateFolder } from '../store/data-dir.js';
import { SqliteStore } from '../store/sqlite-store.js';

/** The meta key under which a node's SQLite store records the last log entry it holds. */
export const POSITION_KEY = 'cluster:position';
/** The folder in the data directory where snapshots are made before upload and land before loading. */
export const SNAPSHOTS_DIR = 'snapshots';

/** A working file for a snapshot in the data directory's snapshots folder (created private if missing). */
export function snapshotFile(dataDir: string, name: string): string {
  return join(privateFolder(join(dataDir, SNAPSHOTS_DIR)), name);
}

/**
 * The log position a snapshot file holds (one lookup: the owner reads its fresh copy beside its loop);
 * throws when it names none.
 */
export function positionInFile(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(POSITION_KEY);
    const position = Number(value);
    if (value === undefined || !Number.isInteger(position) || position < 1)
      throw new Error(`${file} holds no log position.`);
    return position;
  } finally {
    db.close();
  }
}

/** As positionInFile, after checking the file is a truinlag store this version can open (a download). */
export function checkedPositionInFile(file: string): number {
  SqliteStore.verifyFile(file);
  return positionInFile(file);
}

/** Deletes a SQLite file and whatever WAL and shared-memory files a connection left beside it. */
export function removeSqliteFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Makes the checked snapshot `file` the data directory's store. The store must be closed (a clean close
 * leaves no WAL behind); a WAL or shared-memory file left anyway belongs to the old file and would be
 * read into the new one, so it goes first. The rename is atomic: after a crash the directory holds
 * either the old store or the snapshot, never a mix.
 */
export function swapIntoDataDir(dataDir: string, file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  for (const suffix of ['-wal', '-shm', '-journal'])
    rmSync(join(dataDir, `${DATABASE_FILE}${suffix}`), { force: true });
  renameSync(file, join(dataDir, DATABASE_FILE));
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}
