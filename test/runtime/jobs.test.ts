import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/protocol/commands/index.js';
import { backupJob } from '../../src/runtime/backup-job.js';
import { BackgroundJobs, type JobReports, type JobRunners } from '../../src/runtime/jobs.js';
import type { ReplyKey } from '../../src/runtime/replies.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';

afterEach(() => removeTempDirs());

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
    const backups = join(tempDir(), 'backups');
    const { jobs, reports } = collecting({
      backup: backupJob((file) => {
        files.push(file);
        return Promise.resolve({ totalPages: 3 });
      }, backups),
    });
    jobs.start({ kind: 'backup', input: { file: 'b.db' } }, reply);
    await jobs.settled(1_000);
    const file = join(backups, 'b.db');
    expect(files).toEqual([file]);
    expect(reports).toEqual([{ type: 'server.backup.done', file, totalPages: 3, error: null }]);
  });

  it('[DURABILITY-7] the backup job writes only a plain name into the backups folder, owner-only', async () => {
    const backups = join(tempDir(), 'backups');
    const written: string[] = [];
    const { jobs, reports } = collecting({
      backup: backupJob((file) => {
        written.push(file);
        return Promise.resolve({ totalPages: 1 });
      }, backups),
    });
    for (const file of ['../escape.db', '/tmp/abs.db', '.hidden', 'ok.db'])
      jobs.start({ kind: 'backup', input: { file } }, reply);
    await jobs.settled(1_000);
    expect(written).toEqual([join(backups, 'ok.db')]);
    expect(reports.filter((r) => typeof r !== 'string' && 'error' in r && r.error !== null)).toHaveLength(3);
    expect(statSync(backups).mode & 0o777).toBe(0o700);
    expect(statSync(join(backups, 'ok.db')).mode & 0o777).toBe(0o600);
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
      backup: backupJob(
        () => new Promise((resolve) => (finish = () => resolve({ totalPages: 1 }))),
        join(tempDir(), 'backups'),
      ),
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
