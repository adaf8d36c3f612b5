import { chmodSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createPrivateFile, PRIVATE_FILE_MODE, privateFolder } from '../store/data-dir.js';
import type { BackupResult } from '../store/store.js';
import type { JobRunner } from './jobs.js';

/**
 * The `backup` job (server.backup): an online copy of the store, made by `backup` (the commit writer's),
 * into the backups folder only (DURABILITY-7) and readable by the owner only (AUTH-8). The engine took
 * only a plain file name; the name is checked again here, where the path is made. A failed copy is
 * reported to the engine as a result (it answers the requester), not thrown.
 */
export function backupJob(
  backup: (file: string) => Promise<BackupResult>,
  backupsDir: string,
): JobRunner<'backup'> {
  return async ({ file: name }) => {
    try {
      if (basename(name) !== name || name.startsWith('.')) throw new Error(`"${name}" is not a file name.`);
      const file = join(privateFolder(backupsDir), name);
      createPrivateFile(file);
      const { totalPages } = await backup(file);
      chmodSync(file, PRIVATE_FILE_MODE);
      return { type: 'server.backup.done', file, totalPages, error: null };
    } catch (cause) {
      return { type: 'server.backup.done', file: name, totalPages: null, error: String(cause) };
    }
  };
}
