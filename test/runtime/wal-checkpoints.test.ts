import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommitRows } from '../../src/store/commit-rows.js';
import { CommitWriter } from '../../src/store/commit-writer.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { CheckpointSchedule, type CheckpointResult } from '../../src/store/wal-checkpoints.js';
import { removeTempDirs, tempDir, waitFor } from '../helpers/index.js';

afterEach(() => removeTempDirs());

describe('when the writer thread checkpoints the WAL', () => {
  /**
   * A schedule over recorded checkpoints: each reports the WAL's length `log` and how much of it it
   * copied; `beside` says whether a checkpointer thread takes them (it never reports by itself here).
   */
  const recordedSchedule = (wal: () => CheckpointResult, beside = true) => {
    const runs = { here: 0, beside: 0 };
    const schedule = new CheckpointSchedule(
      {
        here: () => {
          runs.here++;
          return wal();
        },
        beside: () => {
          if (beside) runs.beside++;
          return beside;
        },
      },
      { frames: 100, restartFrames: 1_000 },
    );
    return { schedule, runs };
  };
  const copiedAll = (log: number): CheckpointResult => ({ log, checkpointed: log });

  it('starts one checkpoint beside the commits once enough is committed, and learns frames per byte', () => {
    let wal = copiedAll(0);
    const { schedule, runs } = recordedSchedule(() => wal);
    // 1 frame per 2 KiB until measured: 100 KiB are about 50 frames, not yet due; 300 KiB are.
    schedule.committed(100 * 1024);
    schedule.maybeRun();
    expect(runs.beside).toBe(0);
    schedule.committed(200 * 1024);
    schedule.maybeRun();
    expect(runs.beside).toBe(1);
    // While it runs, no second one starts, however much is committed.
    schedule.committed(1024 * 1024);
    schedule.maybeRun();
    expect(runs).toEqual({ here: 0, beside: 1 });
    // It found 600 frames for the 300 KiB before it: 2 per KiB.
    schedule.finished(copiedAll(600), 3);
    expect(schedule.stats).toEqual({ checkpoints: 1, ms: 3 });
    // The 1 MiB committed beside it are 2 048 frames more: the WAL (2 648) has not restarted for too long,
    // so the next one runs between transactions, where nothing is committed meanwhile.
    wal = copiedAll(2_648);
    schedule.maybeRun();
    expect(runs).toEqual({ here: 1, beside: 1 });
    // It copied all: the WAL restarts, and 60 KiB more are 120 frames, due beside the commits again.
    schedule.committed(40 * 1024);
    schedule.maybeRun();
    expect(runs.beside).toBe(1);
    schedule.committed(20 * 1024);
    schedule.maybeRun();
    expect(runs).toEqual({ here: 1, beside: 2 });
    expect(schedule.stats.checkpoints).toBe(2);
  });

  it('runs every checkpoint between transactions when there is no checkpointer thread', () => {
    const { schedule, runs } = recordedSchedule(() => copiedAll(150), false);
    schedule.committed(300 * 1024);
    schedule.maybeRun();
    schedule.committed(300 * 1024);
    schedule.maybeRun();
    expect(runs).toEqual({ here: 2, beside: 0 });
    expect(schedule.stats.checkpoints).toBe(2);
  });

  it('runs after the commit is answered, never inside it, beside the commits, and moves the rows into the database file', async () => {
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
    // The answer left before any checkpoint: the thread reports the ones it ran with its later answers.
    expect(writer.stats.checkpoints).toBe(0);
    // It runs beside the commits: the next answers report it once it is done.
    await waitFor(
      async () => {
        await commit({ ...big, entities: [] });
        return writer.stats.checkpoints === 1;
      },
      5_000,
      'a checkpoint reported',
    );
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
