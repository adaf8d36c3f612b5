import { AUDIT_JOB } from '../engine/handlers/audit.js';
import type { Command } from '../protocol/commands/index.js';
import { readJournal } from '../store/journal-query.js';
import type { JobRunners } from './jobs.js';

/**
 * The audit's job (AUTH-9): reads the journal beside the engine, on a turn of its own, and hands the
 * rows back as `audit.found`, which the engine answers. It writes nothing.
 */
export function auditJobs(databasePath: string): Pick<JobRunners, typeof AUDIT_JOB> {
  return {
    [AUDIT_JOB]: (query) =>
      new Promise<Command>((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve({ type: 'audit.found', ...readJournal(databasePath, query) });
          } catch (cause) {
            reject(cause instanceof Error ? cause : new Error(String(cause)));
          }
        }),
      ),
  };
}
