import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite WAL checkpoints on a worker thread with its own connection, so the 6–13 ms a checkpoint
 * takes here never stalls the engine loop (automatic checkpoints are off in the store). The loop nudges
 * after each commit; at most one checkpoint runs at a time and nudges during it fold into one more run.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(databasePath: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, databasePath } });
    this.worker.on('message', () => {
      this.running = false;
      if (this.again) this.nudge();
    });
    this.worker.unref();
  }

  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.again = false;
    this.worker.postMessage('checkpoint');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }
}

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
