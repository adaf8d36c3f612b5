/**
 * The WAL checkpointer's thread (started by the commit writer's thread, never imported): its own SQLite
 * connection copies the WAL into the database file while the commit thread goes on committing, so that
 * no commit waits behind a checkpoint (wal-checkpoints.ts). SQLite lets a PASSIVE checkpoint run beside
 * a writer: it copies the frames committed when it starts, and never waits for readers or the writer.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type {
  CheckpointReply,
  CheckpointRequest,
  CheckpointResult,
  CheckpointThreadData,
} from './wal-checkpoints.js';

function serve(port: MessagePort, data: CheckpointThreadData): void {
  const db = new Database(data.databasePath, { timeout: data.busyTimeoutMs });
  // The commit thread decides when to checkpoint; this connection must not checkpoint on its own.
  db.pragma('wal_autocheckpoint = 0');
  port.postMessage('ready' satisfies CheckpointReply);
  port.on('message', (request: CheckpointRequest) => {
    if (request === 'close') {
      db.close();
      port.close();
      return;
    }
    const started = performance.now();
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
      const { log, checkpointed } = result ?? { log: 0, checkpointed: 0 };
      port.postMessage({ log, checkpointed, ms: performance.now() - started } satisfies CheckpointReply);
    } catch (error) {
      port.postMessage({
        error: error instanceof Error ? error.message : String(error),
      } satisfies CheckpointReply);
    }
  });
}

if (parentPort === null)
  throw new Error('checkpoint-thread.ts runs as a worker thread (see wal-checkpoints.ts).');
serve(parentPort, workerData as CheckpointThreadData);
