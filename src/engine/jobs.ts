import type { AUDIT_JOB, AuditQuery } from './handlers/audit.js';
import type {
  PICTURE_JOB,
  PICTURE_READ_JOB,
  PictureJobInput,
  PictureReadJobInput,
} from './handlers/pictures.js';

/**
 * Every kind of slow work the engine may ask the runtime to run beside it, with the input it hands over.
 * The runtime has one runner per kind (src/runtime/jobs.ts), typed by this map.
 */
export interface JobInputs {
  /** An online copy of the store into the backups folder, as `file` (a plain name; server.backup). */
  readonly backup: { readonly file: string };
  readonly [PICTURE_JOB]: PictureJobInput;
  readonly [PICTURE_READ_JOB]: PictureReadJobInput;
  /** Journal rows for the audit (AUTH-9), read beside the engine. */
  readonly [AUDIT_JOB]: AuditQuery;
}

export type JobKind = keyof JobInputs;

/** One job of kind `K`: its result comes back to the engine as a command. */
export interface JobOf<K extends JobKind> {
  readonly kind: K;
  readonly input: JobInputs[K];
}

/** Slow work the runtime runs beside the engine; its result comes back as a command. */
export type JobRequest = { [K in JobKind]: JobOf<K> }[JobKind];
