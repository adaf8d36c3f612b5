/**
 * The commit writer's thread (started by commit-writer.ts, never imported): its own SQLite connection
 * writes every commit queued in its port in one transaction. Entity puts and deletes run in the order
 * the engine made them, and so do a team's period rows; runs of puts go in multi-row inserts (a later row
 * replaces an earlier one of the same record, as separate statements would).
 */
import Database from 'better-sqlite3';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import {
  CLOSE,
  RESET,
  type CommitReply,
  type FromThread,
  type ThreadData,
  type ThreadRequest,
  type ToThread,
} from './commit-messages.js';
import { DELETE_SUPERSEDED, RECORD_PRUNED } from './broadcast-log.js';
import type { CommitRows } from './commit-rows.js';
import { decodeRows } from './commit-text.js';
import type { StoredBlob } from './store.js';
import {
  CheckpointSchedule,
  CheckpointThread,
  WAL_SIZE_LIMIT_BYTES,
  type CheckpointResult,
} from './wal-checkpoints.js';

/**
 * Inserts run as multi-row statements of up to this many rows: per row that is 2–3× cheaper than one
 * statement each, measured here.
 */
const ROWS_PER_STATEMENT = 32;

/** `INSERT … VALUES` heads with their row width. */
const INSERTS = {
  put: ['INSERT OR REPLACE INTO entity (kind, id, doc) VALUES', 3],
  period: ['INSERT OR REPLACE INTO period (team, idx, doc) VALUES', 3],
  meta: ['INSERT OR REPLACE INTO meta (key, value) VALUES', 2],
  journal: ['INSERT INTO journal (at, input) VALUES', 2],
  broadcast: ['INSERT INTO broadcast (stream, seq, at, recipients, event) VALUES', 5],
  answer: ['INSERT OR IGNORE INTO answered (client, request, at, answer) VALUES', 4],
} as const;

type Row = readonly (string | number | null)[];

class Thread {
  private readonly db: Database.Database;
  private readonly single;
  private readonly prepared = new Map<string, Database.Statement>();
  private readonly write: (batches: CommitRows[]) => void;
  private readonly writeBlobs: (blobs: readonly StoredBlob[]) => void;
  private readonly checkpoints: CheckpointSchedule;
  private readonly checkpointer: CheckpointThread;
  /** After a failed commit: everything queued behind it is refused until a reset. */
  private refusing = false;

  constructor(
    private readonly port: MessagePort,
    data: ThreadData,
  ) {
    this.db = new Database(data.databasePath, { timeout: data.busyTimeoutMs });
    this.db.pragma('synchronous = FULL');
    // Checkpoints run beside or between transactions, never inside one that answers requests (wal-checkpoints.ts).
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.db.pragma('foreign_keys = ON');
    // Deleted and rewritten content is overwritten with zeros, so that erased personal data does not linger
    // in free space of the file or of backups (PRIVACY-2).
    this.db.pragma('secure_delete = ON');
    this.single = {
      delete: this.db.prepare('DELETE FROM entity WHERE kind = ? AND id = ?'),
      cutPeriods: this.db.prepare('DELETE FROM period WHERE team = ? AND idx >= ?'),
      blob: this.db.prepare(
        'INSERT OR IGNORE INTO blob (key, mime, size, sha256, data) VALUES (?, ?, ?, ?, ?)',
      ),
      superseded: this.db.prepare(DELETE_SUPERSEDED),
      recordPruned: this.db.prepare(RECORD_PRUNED),
      pruneAnswered: this.db.prepare('DELETE FROM answered WHERE at < ?'),
      pruneBroadcasts: this.db.prepare('DELETE FROM broadcast WHERE at < ?'),
    };
    this.write = this.db.transaction((batches: CommitRows[]) => {
      for (const rows of batches) this.writeRows(rows);
    });
    this.writeBlobs = this.db.transaction((blobs: readonly StoredBlob[]) => {
      for (const { key, mime, sha256, bytes } of blobs) {
        const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        this.single.blob.run(key, mime, data.length, sha256, data);
      }
    });
    this.checkpointer = new CheckpointThread(data, (result, ms) => this.checkpoints.finished(result, ms));
    this.checkpoints = new CheckpointSchedule({
      here: () => {
        const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
        return result ?? { log: 0, checkpointed: 0 };
      },
      beside: () => this.checkpointer.start(),
    });
    port.on('message', (first: ToThread) => this.drain(first));
  }

  /**
   * Takes everything queued in the port: runs of commits go into one transaction each, up to a control
   * message (a reset, which ends a refusal; a backup or blobs to write; the close, after which nothing is
   * written). Blobs are written whether or not commits are being refused: they stand on their own.
   */
  private drain(first: ToThread): void {
    let next: ToThread | undefined = first;
    while (next !== undefined) {
      if (next === CLOSE) {
        this.checkpointer.close();
        this.db.close();
        this.port.close();
        return;
      }
      if (next === RESET || typeof next !== 'string') {
        if (next === RESET) this.refusing = false;
        else this.serve(next);
        next = this.pull();
        continue;
      }
      const group = [next];
      next = this.pull();
      while (typeof next === 'string' && next !== RESET && next !== CLOSE) {
        group.push(next);
        next = this.pull();
      }
      this.writeGroup(group);
      this.checkpoints.maybeRun();
    }
  }

  private pull(): ToThread | undefined {
    return receiveMessageOnPort(this.port)?.message as ToThread | undefined;
  }

  private writeGroup(group: string[]): void {
    const started = performance.now();
    if (this.refusing) {
      const message = 'An earlier commit failed.';
      this.reply({ ok: false, count: group.length, ms: 0, message, first: false });
      return;
    }
    try {
      this.write(group.map(decodeRows));
      this.checkpoints.committed(group.reduce((bytes, text) => bytes + text.length, 0));
      const { checkpoints, ms: checkpointMs } = this.checkpoints.stats;
      this.reply({
        ok: true,
        count: group.length,
        ms: performance.now() - started,
        checkpoints,
        checkpointMs,
      });
    } catch (error) {
      this.refusing = true;
      const reply: CommitReply = {
        ok: false,
        count: group.length,
        ms: performance.now() - started,
        message: messageOf(error),
        first: true,
      };
      this.reply(reply);
    }
  }

  private writeRows(rows: CommitRows): void {
    this.putOrDelete('put', rows.entities, this.single.delete);
    this.putOrDelete('period', rows.periods, this.single.cutPeriods);
    this.insert('meta', rows.meta);
    this.insert('journal', rows.journal);
    this.insert('broadcast', rows.broadcasts);
    for (const [stream, seq] of rows.superseded ?? []) this.single.superseded.run(stream, seq);
    this.insert('answer', rows.answers);
    for (const [text, params] of rows.statements ?? []) this.prepare(text).run(params);
    if (rows.prune !== undefined) {
      this.single.pruneAnswered.run(rows.prune);
      this.single.recordPruned.run(rows.prune);
      this.single.pruneBroadcasts.run(rows.prune);
    }
  }

  /** Rows in order: runs of puts as multi-row inserts, a row without a document through `remove`. */
  private putOrDelete(
    name: 'put' | 'period',
    rows: readonly (readonly [string | number, number, string | null])[],
    remove: Database.Statement,
  ): void {
    let puts: Row[] = [];
    for (const row of rows) {
      if (row[2] !== null) {
        puts.push(row);
        continue;
      }
      this.insert(name, puts);
      puts = [];
      remove.run(row[0], row[1]);
    }
    this.insert(name, puts);
  }

  private insert(name: keyof typeof INSERTS, rows: readonly Row[]): void {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const end = Math.min(rows.length, i + ROWS_PER_STATEMENT);
      this.statement(name, end - i).run(parametersOf(rows, i, end));
    }
  }

  /** A privacy statement, prepared once per text (the texts are a few fixed ones: privacy-sql.ts). */
  private prepare(text: string): Database.Statement {
    let statement = this.prepared.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.prepared.set(text, statement);
    }
    return statement;
  }

  /** The multi-row insert of `count` rows, prepared once per size. */
  private statement(name: keyof typeof INSERTS, count: number): Database.Statement {
    const key = `${name}:${count}`;
    let statement = this.prepared.get(key);
    if (statement === undefined) {
      const [head, width] = INSERTS[name];
      const tuple = `(${new Array<string>(width).fill('?').join(', ')})`;
      statement = this.db.prepare(`${head} ${new Array<string>(count).fill(tuple).join(', ')}`);
      this.prepared.set(key, statement);
    }
    return statement;
  }

  private serve(work: ThreadRequest): void {
    const { request } = work;
    if ('backup' in work) {
      this.db.backup(work.backup).then(
        (result) => this.reply({ request, totalPages: result.totalPages }),
        (error: unknown) => this.reply({ request, error: messageOf(error) }),
      );
      return;
    }
    try {
      this.writeBlobs(work.blobs);
      this.checkpoints.committed(work.blobs.reduce((bytes, blob) => bytes + blob.bytes.byteLength, 0));
      this.reply({ request });
    } catch (error) {
      this.reply({ request, error: messageOf(error) });
    }
  }

  private reply(message: FromThread): void {
    this.port.postMessage(message);
  }
}

/** The rows `start` to `end` as one list of parameters (a loop: `Array.prototype.flat` is 14× slower here). */
function parametersOf(rows: readonly Row[], start: number, end: number): (string | number | null)[] {
  const parameters: (string | number | null)[] = [];
  for (let i = start; i < end; i++) for (const value of rows[i] ?? []) parameters.push(value);
  return parameters;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (parentPort === null) throw new Error('commit-thread.ts runs as a worker thread (see CommitWriter).');
new Thread(parentPort, workerData as ThreadData);
