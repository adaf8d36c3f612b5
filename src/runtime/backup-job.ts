import type { BackupResult } from '../store/store.js';
import type { JobRunner } from './jobs.js';

/**
 * The `backup` job (server.backup): an online copy of the store, made by `backup` (the commit writer's).
 * A failed copy is reported to the engine as a result (it answers the requester), not thrown.
 */
export function backupJob(backup: (file: string) => Promise<BackupResult>): JobRunner<'backup'> {
  return async ({ file }) => {
    try {
      const { totalPages } = await backup(file);
      return { type: 'server.backup.done', file, totalPages, error: null };
    } catch (cause) {
      return { type: 'server.backup.done', file, totalPages: null, error: String(cause) };
    }
  };
}
