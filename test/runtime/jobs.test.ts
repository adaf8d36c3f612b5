import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/protocol/commands/index.js';
import { backupJob } from '../../src/runtime/backup-job.js';
import { BackgroundJobs, type JobReports, type JobRunners } from '../../src/runtime/jobs.js';
import type { ReplyKey } from '../../src/runtime/replies.js';

const logger = pino({ level: 'silent' });
const reply: ReplyKey = { clientKey: 'admin/c', requestId: 'r1' };

/** Jobs whose reports are collected: result commands, and `failed <request id>`. */
function collecting(runners: Partial<JobRunners>): {
  jobs: BackgroundJobs;
  reports: (Command | string)[];
} {
  const reports: (Command | string)[] = [];
  const sink: JobReports = {
    done: (command) => reports.push(command),
    failed: (to) => reports.push(`failed ${to.requestId}`),
  };
  return { jobs: new BackgroundJobs(runners, logger, sink), reports };
}

describe('background jobs', () => {
  it('each kind runs its own runner with its typed input; the result comes back as a command', async () => {
    const files: string[] = [];
    const { jobs, reports } = collecting({
      backup: backupJob((file) => {
        files.push(file);
        return Promise.resolve({ totalPages: 3 });
      }),
    });
    jobs.start({ kind: 'backup', input: { file: '/tmp/b.db' } }, reply);
    await jobs.settled(1_000);
    expect(files).toEqual(['/tmp/b.db']);
    expect(reports).toEqual([{ type: 'server.backup.done', file: '/tmp/b.db', totalPages: 3, error: null }]);
  });

  it('a job that fails, throws or has no runner answers its requester with a failure', async () => {
    const { jobs, reports } = collecting({
      picture: () => Promise.reject(new Error('decoder exploded')),
      'picture.read': () => {
        throw new Error('thrown before any promise');
      },
    });
    jobs.start(
      {
        kind: 'picture',
        input: { target: { kind: 'team', team: 1 }, uploadedBy: null, source: { kind: 'data', data: '' } },
      },
      reply,
    );
    jobs.start({ kind: 'picture.read', input: { kind: 'page', pictures: [], rest: [], missing: [] } }, reply);
    jobs.start({ kind: 'backup', input: { file: 'x' } }, { ...reply, requestId: 'r2' });
    // Without a requester there is nobody to tell.
    jobs.start({ kind: 'backup', input: { file: 'x' } }, undefined);
    await jobs.settled(1_000);
    expect(reports.sort()).toEqual(['failed r1', 'failed r1', 'failed r2']);
  });

  it('settling waits for running jobs, but no longer than the grace', async () => {
    let finish: () => void = () => undefined;
    const { jobs, reports } = collecting({
      backup: backupJob(() => new Promise((resolve) => (finish = () => resolve({ totalPages: 1 })))),
    });
    jobs.start({ kind: 'backup', input: { file: 'f' } }, reply);
    const started = Date.now();
    await jobs.settled(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(reports).toEqual([]);
    finish();
    await jobs.settled(10_000);
    expect(reports).toHaveLength(1);
  });
});
