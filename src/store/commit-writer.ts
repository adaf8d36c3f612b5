import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One commit's rows, as the writer thread runs them: parameters of prepared statements, in order. */
export interface CommitRows {
  /** Entity writes in the order the engine made them: a JSON document, or null to delete the record. */
  readonly entities: [kind: string, id: number, doc: string | null][];
  readonly meta: [key: string, value: string][];
  readonly journal: [at: number, input: string][];
  readonly broadcasts: [stream: string, seq: number, at: number, audience: string, message: string][];
  readonly answers: [client: string, request: string, at: number, response: string][];
  readonly blobs: [key: string, mime: string, size: number, sha256: string, data: Uint8Array][];
  /** Drop answered requests and logged broadcasts older than this (epoch ms), in the same transaction. */
  prune?: number;
}

/** What becomes of one `commit` call: durable, or not written at all. */
export type CommitResult = { readonly ok: true } | { readonly ok: false; readonly error: Error };

export interface CommitWriterStats {
  /** Transactions made durable. */
  commits: number;
  /** Time the writer thread spent in them, fsync included (ms). */
  ms: number;
}

interface Group {
  readonly rows: CommitRows;
  readonly done: ((result: CommitResult) => void)[];
}

/**
 * Makes batches durable on a worker thread with its own SQLite connection, so that the engine loop
 * never waits for an fsync: while one transaction is being written and synced, the loop keeps stepping
 * and its next turns' rows queue here; they all go to disk together in the next transaction (group
 * commit across turns). Each `commit` call's callback runs once, in call order, after its rows are on
 * disk (or with the error that kept them off it). When a transaction fails, the rows queued behind it
 * are dropped and failed too: they were computed on top of it.
 */
export class CommitWriter {
  readonly stats: CommitWriterStats = { commits: 0, ms: 0 };
  private readonly worker: Worker;
  private writing: Group | undefined;
  private queued: Group | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(databasePath: string, busyTimeoutMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, databasePath, busyTimeoutMs, sql: SQL },
    });
    this.worker.on('message', (reply: WorkerReply) => this.finished(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.unref();
  }

  /** Queues rows; `done` runs once they are durable or failed. */
  commit(rows: CommitRows, done: (result: CommitResult) => void): void {
    if (this.closed) {
      done({ ok: false, error: new Error('The store is closed.') });
      return;
    }
    if (this.queued === undefined) this.queued = { rows: emptyRows(), done: [] };
    appendRows(this.queued.rows, rows);
    this.queued.done.push(done);
    if (this.writing === undefined) this.sendQueued();
  }

  /** Resolves when nothing is being written or waiting to be. */
  idle(): Promise<void> {
    if (this.writing === undefined && this.queued === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Waits for what was queued, then stops the thread (its connection closes with it). */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    await this.worker.terminate();
  }

  private sendQueued(): void {
    const group = this.queued;
    if (group === undefined) {
      this.worker.unref();
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.queued = undefined;
    this.writing = group;
    // Only while a commit is out does the thread keep the process alive.
    this.worker.ref();
    this.worker.postMessage(group.rows);
  }

  private finished(reply: WorkerReply): void {
    const group = this.writing;
    this.writing = undefined;
    if (group === undefined) return;
    this.stats.ms += reply.ms;
    if (reply.ok) {
      this.stats.commits++;
      for (const done of group.done) done({ ok: true });
      this.sendQueued();
      return;
    }
    this.writing = group;
    this.failAll(new Error(reply.message));
  }

  private failAll(error: Error): void {
    const failed = [...(this.writing?.done ?? []), ...(this.queued?.done ?? [])];
    this.writing = undefined;
    this.queued = undefined;
    for (const done of failed) done({ ok: false, error });
    this.sendQueued();
  }
}

type WorkerReply = { ok: true; ms: number } | { ok: false; ms: number; message: string };

function emptyRows(): CommitRows {
  return { entities: [], meta: [], journal: [], broadcasts: [], answers: [], blobs: [] };
}

function appendRows(into: CommitRows, rows: CommitRows): void {
  into.entities.push(...rows.entities);
  into.meta.push(...rows.meta);
  into.journal.push(...rows.journal);
  into.broadcasts.push(...rows.broadcasts);
  into.answers.push(...rows.answers);
  into.blobs.push(...rows.blobs);
  if (rows.prune !== undefined) into.prune = rows.prune;
}

/** The statements the writer runs, in this order within one transaction. */
const SQL = {
  put: 'INSERT OR REPLACE INTO entity (kind, id, doc) VALUES (?, ?, ?)',
  delete: 'DELETE FROM entity WHERE kind = ? AND id = ?',
  meta: 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)',
  journal: 'INSERT INTO journal (at, input) VALUES (?, ?)',
  broadcast: 'INSERT INTO broadcast (stream, seq, at, audience, message) VALUES (?, ?, ?, ?, ?)',
  answer: 'INSERT OR IGNORE INTO answered (client, request, at, response) VALUES (?, ?, ?, ?)',
  blob: 'INSERT OR REPLACE INTO blob (key, mime, size, sha256, data) VALUES (?, ?, ?, ?, ?)',
  pruneAnswered: 'DELETE FROM answered WHERE at < ?',
  pruneBroadcasts: 'DELETE FROM broadcast WHERE at < ?',
};

/** The thread's code (CommonJS, run with `eval`, so that it loads the same way from src and dist). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.databasePath, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 0');
db.pragma('foreign_keys = ON');
const sql = workerData.sql;
const s = {};
for (const key of Object.keys(sql)) s[key] = db.prepare(sql[key]);
const write = db.transaction((rows) => {
  for (const r of rows.entities) {
    if (r[2] === null) s.delete.run(r[0], r[1]);
    else s.put.run(r[0], r[1], r[2]);
  }
  for (const r of rows.meta) s.meta.run(r[0], r[1]);
  for (const r of rows.journal) s.journal.run(r[0], r[1]);
  for (const r of rows.broadcasts) s.broadcast.run(r[0], r[1], r[2], r[3], r[4]);
  for (const r of rows.answers) s.answer.run(r[0], r[1], r[2], r[3]);
  for (const r of rows.blobs) s.blob.run(r[0], r[1], r[2], r[3], Buffer.from(r[4].buffer, r[4].byteOffset, r[4].byteLength));
  if (rows.prune !== undefined) { s.pruneAnswered.run(rows.prune); s.pruneBroadcasts.run(rows.prune); }
});
parentPort.on('message', (rows) => {
  const started = performance.now();
  try {
    write(rows);
    parentPort.postMessage({ ok: true, ms: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ ok: false, ms: performance.now() - started, message: String((error && error.message) || error) });
  }
});
`;
