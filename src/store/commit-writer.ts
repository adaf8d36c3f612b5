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
  /** Blob bytes as base64: the rows cross to the writer thread as one JSON text (see `commit`). */
  readonly blobs: [key: string, mime: string, sha256: string, base64: string][];
  /** Drop answered requests and logged broadcasts older than this (epoch ms), in the same transaction. */
  prune?: number;
  /** SQL run after the rows, in order (blob deletes, redactions: PRIVACY-1, PRIVACY-2). */
  readonly statements?: (readonly [sql: string, params: Readonly<Record<string, string | number | null>>])[];
}

/** What becomes of one `commit` call: durable, or not written at all. */
export type CommitResult = { readonly ok: true } | { readonly ok: false; readonly error: Error };

export interface CommitWriterStats {
  /** Transactions made durable. */
  commits: number;
  /** Time the writer thread spent in them, fsync included (ms). */
  ms: number;
}

/**
 * Makes batches durable on a worker thread with its own SQLite connection, so that the engine loop
 * never waits for an fsync. Each turn's rows are posted at once; while the thread writes and syncs one
 * transaction, the next turns' rows queue in its port, and it takes all of them into the next
 * transaction (group commit across turns; the thread never waits for the loop to hand over work).
 * Each `commit` call's callback runs once, in call order, after its rows are on disk or with the error
 * that kept them off it. After a failed transaction the thread refuses everything already queued
 * behind it (computed on top of it) until the loop, having rolled back, resets it.
 */
export class CommitWriter {
  readonly stats: CommitWriterStats = { commits: 0, ms: 0 };
  private readonly worker: Worker;
  /** Callbacks of posted commits, oldest first. */
  private readonly waiting: ((result: CommitResult) => void)[] = [];
  /** Backups running on the thread, by id. */
  private readonly backups = new Map<
    number,
    { resolve: (r: BackupResult) => void; reject: (e: Error) => void }
  >();
  private nextBackup = 1;
  /** Why commits are refused from now on: the writer was closed, or its thread died. */
  private stopped: Error | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(databasePath: string, busyTimeoutMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver,
        databasePath,
        busyTimeoutMs,
        sql: SQL,
        rowsPerStatement: ROWS_PER_STATEMENT,
        reset: RESET,
        close: CLOSE,
      },
    });
    this.worker.on('message', (reply: WorkerReply | BackupReply) =>
      'backup' in reply ? this.backedUp(reply) : this.finished(reply),
    );
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', () => this.stop(new Error('The commit writer thread has stopped.')));
    this.worker.unref();
  }

  /** Queues rows; `done` runs once they are durable or failed. */
  commit(rows: CommitRows, done: (result: CommitResult) => void): void {
    if (this.stopped !== undefined) {
      done({ ok: false, error: this.stopped });
      return;
    }
    // Only while commits (or backups) are out does the thread keep the process alive.
    this.worker.ref();
    this.waiting.push(done);
    // One JSON text costs the loop about 2.5× less than a structured clone of the many small rows.
    this.worker.postMessage(JSON.stringify(rows));
  }

  /**
   * An online, consistent copy of the store in `file`, made through SQLite's backup API on the thread's
   * connection. It must be that connection: a backup restarts whenever another connection writes, so
   * under steady writes a backup made elsewhere never finished (measured: none within 20 s). Commits
   * go on meanwhile and reach the copy as well.
   */
  backup(file: string): Promise<BackupResult> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    const id = this.nextBackup++;
    this.worker.ref();
    this.worker.postMessage({ backup: id, file });
    return new Promise((resolve, reject) => this.backups.set(id, { resolve, reject }));
  }

  /** Resolves when nothing is being written or waiting to be. */
  idle(): Promise<void> {
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Waits for what was queued, then stops the thread (its connection closes with it). */
  async close(): Promise<void> {
    await this.idle();
    if (this.stopped !== undefined) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.stopped = new Error('The store is closed.');
    this.worker.ref();
    this.worker.postMessage(CLOSE);
    await exited;
  }

  private finished(reply: WorkerReply): void {
    this.stats.ms += reply.ms;
    const done = this.waiting.splice(0, reply.count);
    if (reply.ok) {
      this.stats.commits++;
      for (const callback of done) callback({ ok: true });
    } else {
      const error = new Error(reply.message);
      for (const callback of done) callback({ ok: false, error });
      // The callbacks rolled memory back: what is posted from now on is to be written again.
      if (reply.first) this.worker.postMessage(RESET);
    }
    this.settled();
  }

  private backedUp(reply: BackupReply): void {
    const waiter = this.backups.get(reply.backup);
    this.backups.delete(reply.backup);
    if (reply.error === undefined) waiter?.resolve({ totalPages: reply.totalPages ?? 0 });
    else waiter?.reject(new Error(reply.error));
    this.settled();
  }

  /** No more commits: what waits fails (nothing more will be written), and so does every later one. */
  private stop(error: Error): void {
    this.stopped ??= error;
    for (const callback of this.waiting.splice(0)) callback({ ok: false, error: this.stopped });
    for (const waiter of this.backups.values()) waiter.reject(this.stopped);
    this.backups.clear();
    this.settled();
  }

  private settled(): void {
    if (this.waiting.length > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.backups.size === 0) this.worker.unref();
  }
}

/** What the thread answers for each group of posted commits it took together. */
type WorkerReply =
  | { ok: true; count: number; ms: number }
  /** `first`: this group failed itself (not refused for an earlier failure); the thread awaits a reset. */
  | { ok: false; count: number; ms: number; message: string; first: boolean };

export interface BackupResult {
  readonly totalPages: number;
}

type BackupReply = { backup: number; totalPages?: number; error?: string };

const RESET = 'reset';
const CLOSE = 'close';

/**
 * The statements the writer runs. Inserts (`INSERT … VALUES` heads with their row width) run as
 * multi-row statements of up to {@link ROWS_PER_STATEMENT} rows: per row that is 2–3× cheaper than one
 * statement each, measured here.
 */
const SQL = {
  insert: {
    put: ['INSERT OR REPLACE INTO entity (kind, id, doc) VALUES', 3],
    meta: ['INSERT OR REPLACE INTO meta (key, value) VALUES', 2],
    journal: ['INSERT INTO journal (at, input) VALUES', 2],
    broadcast: ['INSERT INTO broadcast (stream, seq, at, audience, message) VALUES', 5],
    answer: ['INSERT OR IGNORE INTO answered (client, request, at, response) VALUES', 4],
  },
  delete: 'DELETE FROM entity WHERE kind = ? AND id = ?',
  blob: 'INSERT OR REPLACE INTO blob (key, mime, size, sha256, data) VALUES (?, ?, ?, ?, ?)',
  pruneAnswered: 'DELETE FROM answered WHERE at < ?',
  pruneBroadcasts: 'DELETE FROM broadcast WHERE at < ?',
};

const ROWS_PER_STATEMENT = 32;

/**
 * The thread's code (CommonJS, run with `eval`, so that it loads the same way from src and dist).
 * Entity puts and deletes run in the order the engine made them; runs of puts go in multi-row inserts
 * (a later row replaces an earlier one of the same record, as separate statements would).
 */
const WORKER_SOURCE = `
const { parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.databasePath, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = FULL');
// SQLite's automatic checkpoint, run by this thread right after a commit that takes the WAL past 1000
// pages (4 MB): it keeps the WAL small and lets it restart from the beginning, where checkpoints on
// another thread never caught up with a busy writer (the WAL grew by 40 MB/s under load, and every
// commit then also extended the file). The loop never waits for it; only the next commit does.
db.pragma('wal_autocheckpoint = 1000');
db.pragma('foreign_keys = ON');
// Deleted and rewritten content is overwritten with zeros, so that erased personal data does not linger
// in free space of the file or of backups (PRIVACY-2).
db.pragma('secure_delete = ON');
const sql = workerData.sql;
const perStatement = workerData.rowsPerStatement;
const single = {
  delete: db.prepare(sql.delete),
  blob: db.prepare(sql.blob),
  pruneAnswered: db.prepare(sql.pruneAnswered),
  pruneBroadcasts: db.prepare(sql.pruneBroadcasts),
};
const prepared = new Map();
function insert(name, rows) {
  const [head, width] = sql.insert[name];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const key = name + ':' + chunk.length;
    let statement = prepared.get(key);
    if (statement === undefined) {
      const tuple = '(' + new Array(width).fill('?').join(', ') + ')';
      statement = db.prepare(head + ' ' + new Array(chunk.length).fill(tuple).join(', '));
      prepared.set(key, statement);
    }
    statement.run(chunk.flat());
  }
}
const write = db.transaction((batches) => {
  for (const rows of batches) writeRows(rows);
});
function writeRows(rows) {
  let puts = [];
  for (const r of rows.entities) {
    if (r[2] !== null) { puts.push(r); continue; }
    insert('put', puts);
    puts = [];
    single.delete.run(r[0], r[1]);
  }
  insert('put', puts);
  insert('meta', rows.meta);
  insert('journal', rows.journal);
  insert('broadcast', rows.broadcasts);
  insert('answer', rows.answers);
  for (const r of rows.blobs) {
    const data = Buffer.from(r[3], 'base64');
    single.blob.run(r[0], r[1], data.length, r[2], data);
  }
  for (const [text, params] of rows.statements || []) db.prepare(text).run(params);
  if (rows.prune !== undefined) {
    single.pruneAnswered.run(rows.prune);
    single.pruneBroadcasts.run(rows.prune);
  }
}
let refusing = false;
const pull = () => receiveMessageOnPort(parentPort)?.message;
// Everything queued in the port goes into one transaction, up to a control message: a reset (which
// ends a refusal), a backup to start, or the close (after which nothing is written).
const control = (message) => typeof message !== 'string' || message === workerData.reset || message === workerData.close;
function backup({ backup: id, file }) {
  db.backup(file).then(
    (result) => parentPort.postMessage({ backup: id, totalPages: result.totalPages }),
    (error) => parentPort.postMessage({ backup: id, error: String((error && error.message) || error) }),
  );
}
parentPort.on('message', (first) => {
  let next = first;
  while (next !== undefined) {
    if (next === workerData.close) {
      db.close();
      parentPort.close();
      return;
    }
    if (next === workerData.reset || typeof next !== 'string') {
      if (next === workerData.reset) refusing = false;
      else backup(next);
      next = pull();
      continue;
    }
    const group = [next];
    next = pull();
    while (next !== undefined && !control(next)) {
      group.push(next);
      next = pull();
    }
    writeGroup(group);
  }
});
function writeGroup(group) {
  const started = performance.now();
  if (refusing) {
    parentPort.postMessage({ ok: false, count: group.length, ms: 0, message: 'An earlier commit failed.', first: false });
    return;
  }
  try {
    write(group.map((text) => JSON.parse(text)));
    parentPort.postMessage({ ok: true, count: group.length, ms: performance.now() - started });
  } catch (error) {
    refusing = true;
    const message = String((error && error.message) || error);
    parentPort.postMessage({ ok: false, count: group.length, ms: performance.now() - started, message, first: true });
  }
}
`;
