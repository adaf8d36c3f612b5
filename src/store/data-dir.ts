import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The data directory and every folder in it: its owner only (AUTH-8). */
export const PRIVATE_DIR_MODE = 0o700;
/** Every file in the data directory: database, WAL, shared memory, secrets, backups. */
export const PRIVATE_FILE_MODE = 0o600;
/** The store's file in the data directory. */
export const DATABASE_FILE = 'truinlag.db';
/** Where `server.backup` writes, inside the data directory (and nowhere else). */
export const BACKUPS_DIR = 'backups';

/**
 * Makes the data directory private (AUTH-8): created 0700 if missing, and an existing one (of an older
 * version, which left it 0755 with 0644 files) brought to 0700 with every file below 0600. SQLite
 * creates the WAL and shared-memory files with the database file's mode, so they follow.
 */
export function makeDataDirPrivate(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dataDir);
}

/** Creates an empty file that only its owner may read or write (a file that exists keeps its bytes). */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** A folder inside the data directory (the backups folder), created private if missing; returns it. */
export function privateFolder(dir: string): string {
  if (!existsSync(dir)) mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  return dir;
}

function restrict(dir: string): void {
  chmodSync(dir, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Sockets and links are left alone: a socket in the private directory is reachable by no one else.
    if (entry.isDirectory()) restrict(path);
    else if (entry.isFile()) chmodSync(path, PRIVATE_FILE_MODE);
  }
}
