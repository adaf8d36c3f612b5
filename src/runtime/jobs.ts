import type { Logger } from 'pino';
import type { JobInputs, JobKind, JobOf, JobRequest } from '../engine/jobs.js';
import type { Command } from '../protocol/commands/index.js';
import type { ReplyKey } from './replies.js';

/** Runs one kind of slow work beside the engine; resolves to the command that brings the result back. */
export type JobRunner<K extends JobKind> = (input: JobInputs[K]) => Promise<Command>;

/** A runner for every kind of job (a runtime may be given only some: the others fail as they start). */
export type JobRunners = { readonly [K in JobKind]: JobRunner<K> };

/** Where a job's end goes: its result back into the mailbox, or a failure to whoever waits for it. */
export interface JobReports {
  done(command: Command, reply: ReplyKey | undefined): void;
  failed(reply: ReplyKey, job: JobKind): void;
}

/**
 * The background jobs the engine asked for, run beside it. Each reports back through the mailbox as a
 * command (answering the request that started it, if any); one that fails, or has no runner, answers
 * that request with a failure instead of leaving it waiting forever.
 */
export class BackgroundJobs {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly runners: Partial<JobRunners>,
    private readonly logger: Logger,
    private readonly reports: JobReports,
  ) {}

  start(job: JobRequest, reply: ReplyKey | undefined): void {
    const running = this.run(job).then(
      (command) => this.reports.done(command, reply),
      (cause: unknown) => {
        this.logger.error({ err: cause, job: job.kind }, 'background job failed');
        if (reply !== undefined) this.reports.failed(reply, job.kind);
      },
    );
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
  }

  /** Jobs running now. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves when every job running now has reported, or after `graceMs`, whichever is first. */
  settled(graceMs: number): Promise<void> {
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    return Promise.race([Promise.all(this.running).then(() => undefined), grace]);
  }

  private async run<K extends JobKind>(job: JobOf<K>): Promise<Command> {
    const runner: JobRunner<K> | undefined = this.runners[job.kind];
    if (runner === undefined) throw new Error(`No runner for background job "${job.kind}".`);
    return await runner(job.input);
  }
}
