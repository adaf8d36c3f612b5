import { AUDIT_JOB, type AuditQuery } from '../engine/handlers/audit.js';
import type { Command } from '../protocol/commands/index.js';
import { readJournal } from '../store/journal-query.js';
import type { JobRunner } from './runtime.js';

/**
 * The audit's job (AUTH-8): reads the journal beside the engine, on a turn of its own, and hands the
 * rows back as `audit.found`, which the engine answers. It writes nothing.
 */
export function auditJobs(databasePath: string): Record<string, JobRunner> {
  return {
    [AUDIT_JOB]: (input) =>
      new Promise<Command>((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve({ type: 'audit.found', ...readJournal(databasePath, input as AuditQuery) });
          } catch (cause) {
            reject(cause instanceof Error ? cause : new Error(String(cause)));
          }
        }),
      ),
  };
}
