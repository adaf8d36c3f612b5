import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite WAL checkpoints on a worker thread with its own connection, so the 6–13 ms a checkpoint
 * takes here never stalls the engine loop (automatic checkpoints are off in the store). The loop nudges
 * after each commit; checkpoints run at most every 250 ms and nudges in between fold into the next one.
 */
export class Checkpointer {
  private readonly worker: Worker;
  /** A checkpoint is scheduled or running; nudges meanwhile only ask for one more afterwards. */
  private busy = false;
  private again = false;
  private stopped = false;

  constructor(databasePath: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, databasePath } });
    this.worker.on('message', () => {
      this.busy = false;
      if (this.again) this.nudge();
    });
    this.worker.unref();
  }

  /** Asks for a checkpoint soon: at most one per {@link CHECKPOINT_INTERVAL_MS}, however often commits come. */
  nudge(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.again = false;
    setTimeout(() => {
      if (this.stopped) return;
      this.worker.postMessage('checkpoint');
    }, CHECKPOINT_INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }
}

/** Checkpoints cost CPU on a 2-core machine; folding the WAL a few times a second is plenty. */
const CHECKPOINT_INTERVAL_MS = 250;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.databasePath);
db.pragma('busy_timeout = 1000');
parentPort.on('message', () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { /* a busy database is checkpointed next time */ }
  parentPort.postMessage('done');
});
`;
