import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommitRows } from '../../src/store/commit-rows.js';
import { CommitWriter } from '../../src/store/commit-writer.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { CheckpointSchedule, type CheckpointResult } from '../../src/store/wal-checkpoints.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';

afterEach(() => removeTempDirs());

describe('when the writer thread checkpoints the WAL', () => {
  /** A schedule over a recorded checkpoint that reports `log` frames. */
  const scheduleReporting = (log: number): { schedule: CheckpointSchedule; runs: () => number } => {
    let runs = 0;
    const checkpoint = (): CheckpointResult => {
      runs++;
      return { log, checkpointed: log };
    };
    const schedule = new CheckpointSchedule(checkpoint, { idleFrames: 100, busyFrames: 1_000 });
    return { schedule, runs: () => runs };
  };

  it('checkpoints sooner when nothing is queued than while commits wait, and learns frames per byte', () => {
    // 1 frame per 2 KiB until measured: 300 KiB are about 150 frames, past the idle bound only.
    const { schedule, runs } = scheduleReporting(600);
    schedule.committed(300 * 1024);
    schedule.maybeRun(false);
    expect(runs()).toBe(0);
    schedule.maybeRun(true);
    expect(runs()).toBe(1);
    // It measured 600 frames for those 300 KiB (2 per KiB): 60 KiB more are 120 frames, due when idle.
    schedule.committed(40 * 1024);
    schedule.maybeRun(true);
    expect(runs()).toBe(1);
    schedule.committed(20 * 1024);
    schedule.maybeRun(true);
    expect(runs()).toBe(2);
    expect(schedule.stats.checkpoints).toBe(2);
  });

  it('runs after the commit is answered, never inside it, and moves the rows into the database file', async () => {
    const dir = tempDir();
    SqliteStore.open(dir).close();
    const writer = new CommitWriter(join(dir, DATABASE_FILE), 1_000);
    const doc = JSON.stringify({ text: 'x'.repeat(4_000) });
    // About 1 500 pages in one commit: SQLite's own checkpoint (at 1 000 pages) would have run inside it.
    const big: CommitRows = {
      entities: Array.from({ length: 1_500 }, (_, i): [string, number, string] => ['zone', i + 1, doc]),
      periods: [],
      meta: [],
      journal: [],
      broadcasts: [],
      answers: [],
    };
    const commit = (rows: CommitRows): Promise<void> =>
      new Promise((resolve, reject) =>
        writer.commitRows(rows, (result) => (result.ok ? resolve() : reject(result.error))),
      );
    await commit(big);
    // The answer left before any checkpoint: the thread reports the ones it ran with its next answer.
    expect(writer.stats.checkpoints).toBe(0);
    await commit({ ...big, entities: [] });
    expect(writer.stats.checkpoints).toBe(1);
    // The database file alone, without its WAL, has the rows: they were checkpointed into it.
    const copy = join(tempDir(), 'copy.db');
    copyFileSync(join(dir, DATABASE_FILE), copy);
    const db = new Database(copy, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM entity WHERE kind = 'zone'").get()).toEqual({ n: 1_500 });
    } finally {
      db.close();
    }
    await writer.close();
  });
});
