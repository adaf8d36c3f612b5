import Database from 'better-sqlite3';
import { counterRows } from './id-counters.js';
import { join } from 'node:path';
import type { TeamRecord } from '../engine/game/types.js';
import type { TableName } from '../engine/state.js';
import { encodeLoggedBroadcast } from '../protocol/encode.js';
import { loggedRecipients, sessionOfStream } from '../runtime/audience.js';
import { CommitWriter } from './commit-writer.js';
import { BACKUPS_DIR, createPrivateFile, DATABASE_FILE, makeDataDirPrivate } from './data-dir.js';
import type { IntegrityCheck } from './integrity-check.js';
import { integrityProblems } from './integrity-problems.js';
import { MIGRATIONS } from './migrations.js';
import { PRUNED_KEY } from './broadcast-log.js';
import { teamCore } from './period-rows.js';
import { checkVersion, refuseDamaged, refuseMissing } from './soundness.js';
import { StartRefusal } from './start-refusal.js';
import { parseRow, readStoredState, type EntityRow, type MetaRow } from './state-rows.js';
import type {
  AnsweredKey,
  LatestLocation,
  LoggedBroadcast,
  MutableState,
  Store,
  StoreStatus,
  StoreWriter,
} from './store.js';

export { DATABASE_FILE } from './data-dir.js';
/** How long a connection waits for another's lock before its statement fails (better-sqlite3's default). */
export const BUSY_TIMEOUT_MS = 5_000;

/** What the store knows about a blob without reading its bytes. */
export interface BlobInfo {
  readonly mime: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * The last sequence number of each stream's broadcast log. A plain `GROUP BY stream` reads every logged
 * message (a full day's log at start); this hops from stream to stream along the primary key instead.
 */
const LAST_SEQ_OF_EACH_STREAM = `
  WITH RECURSIVE streams(stream) AS (
    SELECT MIN(stream) FROM broadcast
    UNION ALL
    SELECT (SELECT MIN(stream) FROM broadcast WHERE stream > streams.stream) FROM streams
    WHERE streams.stream IS NOT NULL
  )
  SELECT stream, (SELECT MAX(seq) FROM broadcast WHERE broadcast.stream = streams.stream) AS seq
  FROM streams WHERE stream IS NOT NULL`;

/**
 * The latest logged location of each team, stream and recipients (RESUME-3). Its WHERE is the partial
 * index `broadcast_location`'s, so that it reads only that index's rows (migration 11).
 */
export const LATEST_LOCATIONS = `
  SELECT stream, json_extract(event, '$.team') AS team, recipients, MAX(seq) AS seq FROM broadcast
  WHERE json_extract(event, '$.type') = 'location' GROUP BY stream, team, recipients`;

/**
 * The durable store: SQLite in WAL mode with synchronous=FULL (DURABILITY-1). This connection loads
 * and reads; while the server runs, the commit writer (commit-writer.ts) is the one that writes. Automatic
 * checkpoints are off on this connection: the commit writer's thread runs them after its commits.
 */
export class SqliteStore implements Store {
  readonly path: string;
  readonly backupsDir: string;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly readTransaction: (work: () => void) => void;
  /** The teams as last loaded: what the store holds when the writer opens (it writes only what changes). */
  private loadedTeams: ReadonlyMap<number, TeamRecord> = new Map();

  private constructor(path: string, dataDir: string, db: Database.Database) {
    this.path = path;
    this.backupsDir = join(dataDir, BACKUPS_DIR);
    this.db = db;
    this.statements = {
      put: db.prepare('INSERT OR REPLACE INTO entity (kind, id, doc) VALUES (?, ?, ?)'),
      period: db.prepare('INSERT INTO period (team, idx, doc) VALUES (?, ?, ?)'),
      meta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      answered: db.prepare('SELECT answer FROM answered WHERE client = ? AND request = ?').pluck(),
      firstAnsweredKeys: db
        .prepare('SELECT at, request, client FROM answered ORDER BY at, request, client LIMIT ?')
        .raw(),
      answeredKeysAfter: db
        .prepare(
          'SELECT at, request, client FROM answered WHERE (at, request, client) > (?, ?, ?) ' +
            'ORDER BY at, request, client LIMIT ?',
        )
        .raw(),
      since: db
        .prepare(
          'SELECT seq, at, recipients, event FROM broadcast WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?',
        )
        .raw(),
      pruned: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      blobInfo: db.prepare('SELECT mime, size, sha256 FROM blob WHERE key = ?'),
      blobRange: db.prepare('SELECT substr(data, ?, ?) FROM blob WHERE key = ?').pluck(),
    };
    this.readTransaction = db.transaction((work: () => void) => work());
  }

  /**
   * Opens the store in a data directory (made private first, AUTH-8) and brings its schema up to date.
   * A missing database is created, unless `mustExist`: then a missing or empty one is refused, as is, in
   * any case, a file that is not a sound truinlag store (DURABILITY-5). SQLite's integrity check runs
   * here, before anything else; the server runs it beside its start instead (`openChecked`).
   */
  static open(dataDir: string, options: OpenOptions = {}): SqliteStore {
    const opened = connect(dataDir, options);
    return SqliteStore.ready(opened, dataDir, opened.version === 0 ? [] : integrityProblems(opened.db));
  }

  /**
   * Opens the store as `open` does, but takes the integrity check's verdict from `check`, started before
   * (on its own thread, DURABILITY-8), and waits for it before anything writes: the schema's migrations,
   * and the writer and timers of whoever uses the store next. A check that found no store when it started
   * is run here.
   */
  static async openChecked(
    dataDir: string,
    options: OpenOptions,
    check: IntegrityCheck,
  ): Promise<SqliteStore> {
    const opened = connect(dataDir, options);
    let problems: readonly string[];
    try {
      problems = opened.version === 0 ? [] : ((await check) ?? integrityProblems(opened.db));
    } catch (error) {
      opened.db.close();
      throw error;
    }
    return SqliteStore.ready(opened, dataDir, problems);
  }

  /** Refuses a store with integrity problems; otherwise sets the connection up and migrates the schema. */
  private static ready(opened: Connected, dataDir: string, problems: readonly string[]): SqliteStore {
    const { db } = opened;
    try {
      refuseDamaged(db.name, dataDir, problems);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('wal_autocheckpoint = 0');
      db.pragma('foreign_keys = ON');
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db.name, dataDir, db);
  }

  /** Throws unless the file is a truinlag store (used before restoring a backup over the live one). */
  static verifyFile(path: string): void {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version < 1 || version > MIGRATIONS.length) throw new Error(`${path} is not a truinlag store.`);
      db.prepare('SELECT COUNT(*) FROM entity').get();
    } finally {
      db.close();
    }
  }

  /** Loads the whole state into memory. */
  load(): MutableState {
    const state = readStoredState(this.db);
    this.loadedTeams = state.tables.team;
    const streams = this.db.prepare(LAST_SEQ_OF_EACH_STREAM).all() as StreamRow[];
    for (const row of streams) state.streams.set(row.stream, row.seq);
    for (const row of this.db
      .prepare("SELECT key, value FROM meta WHERE key LIKE 'stream:%'")
      .all() as MetaRow[]) {
      const stream = row.key.slice('stream:'.length);
      state.streams.set(stream, Math.max(state.streams.get(stream) ?? 0, Number(row.value)));
    }
    return state;
  }

  /**
   * The commit writer of this store: while the server runs, it is the one that writes (on its own
   * thread and connection, see commit-writer.ts).
   */
  openWriter(busyTimeoutMs = BUSY_TIMEOUT_MS): StoreWriter {
    return new CommitWriter(this.path, busyTimeoutMs, this.loadedTeams.values());
  }

  /** The team records as last loaded: what the store holds of each team's periods (period-rows.ts). */
  teamsAsLoaded(): Iterable<TeamRecord> {
    return this.loadedTeams.values();
  }

  /** Whether the store is open and its schema up to date (readiness, HEALTH-2). */
  status(): StoreStatus {
    if (!this.db.open) return { open: false, pendingMigrations: 0 };
    const version = this.db.pragma('user_version', { simple: true }) as number;
    return { open: true, pendingMigrations: Math.max(0, MIGRATIONS.length - version) };
  }

  /**
   * Deletes the blobs no key in `keep` names: bytes a picture job stored for a picture the engine then
   * refused, or that a crash kept from being recorded (PICTURE-4). Run at start, before any job.
   */
  dropBlobsExcept(keep: Iterable<string>): number {
    const keys = JSON.stringify([...keep]);
    return this.db.prepare('DELETE FROM blob WHERE key NOT IN (SELECT value FROM json_each(?))').run(keys)
      .changes;
  }

  /**
   * The records of one table with an id above `afterId`, in id order, read as they are stored: a cluster
   * standby's look for the pictures whose bytes its copy lacks (src/cluster), without loading the state.
   */
  *recordsAfter(table: TableName, afterId: number): IterableIterator<{ id: number; doc: unknown }> {
    const rows = this.db
      .prepare('SELECT kind, id, doc FROM entity WHERE kind = ? AND id > ? ORDER BY id')
      .iterate(table, afterId) as Iterable<EntityRow>;
    for (const row of rows) yield { id: row.id, doc: parseRow(row) };
  }

  /** A blob's type, size and hash, or undefined when there is none under the key. */
  blobInfo(key: string): BlobInfo | undefined {
    return this.statements.blobInfo.get(key) as BlobInfo | undefined;
  }

  /**
   * Bytes `offset ..< offset + length` of one blob (fewer at its end), or undefined when there is none.
   * Blobs are read one at a time, on demand; nothing loads them all.
   */
  readBlob(key: string, offset: number, length: number): Buffer | undefined {
    const bytes = this.statements.blobRange.get(offset + 1, length, key) as Buffer | null | undefined;
    if (bytes === undefined) return undefined;
    return bytes ?? Buffer.alloc(0);
  }

  /**
   * Runs `work` inside one read transaction, so that its many small reads (a turn's idempotency
   * look-ups) take SQLite's WAL read lock once instead of once each (≈ 6 µs → 1 µs per look-up here).
   */
  reading(work: () => void): void {
    this.readTransaction(work);
  }

  /**
   * Up to `limit` keys of kept answers after `after`, in the order of the `answered_at` index, which holds
   * the keys without the responses: the runtime reads them in pages after start (answered-index.ts).
   */
  answeredKeysAfter(after: AnsweredKey | undefined, limit: number): AnsweredKey[] {
    const rows = (
      after === undefined
        ? this.statements.firstAnsweredKeys.all(limit)
        : this.statements.answeredKeysAfter.all(after.at, after.requestId, after.clientKey, limit)
    ) as [number, string, string][];
    return rows.map(([at, requestId, clientKey]) => ({ at, requestId, clientKey }));
  }

  /** The kept answer (without its envelope) to an already answered request, if any (IDEMPOTENCY-1). */
  keptAnswer(client: string, request: string): string | undefined {
    return this.statements.answered.get(client, request) as string | undefined;
  }

  /** Logged broadcasts of a stream after `seq`, oldest first, their frames rendered from their events. */
  broadcastsSince(stream: string, after: number, limit: number): LoggedBroadcast[] {
    const rows = this.statements.since.all(stream, after, limit) as [number, number, string | null, string][];
    const session = sessionOfStream(stream);
    return rows.map(([seq, at, recipients, event]) => ({
      stream,
      seq,
      at,
      recipients: loggedRecipients(recipients),
      event,
      message: encodeLoggedBroadcast({ session, seq, at, event }),
    }));
  }

  /** The last sequence number of a stream that retention took out of its log (0: none yet). */
  prunedThrough(stream: string): number {
    return Number(this.statements.pruned.get(`${PRUNED_KEY}${stream}`) ?? 0);
  }

  /**
   * The last logged location broadcast of each team, stream and recipients (RESUME-3). One pass over the
   * log at start: superseding keeps its location rows to one per team, stream and recipients.
   */
  latestLocations(): LatestLocation[] {
    return this.db.prepare(LATEST_LOCATIONS).all() as LatestLocation[];
  }

  /**
   * Replaces the whole game state (import-state, server stopped). The journal restarts from the imported
   * state, which is kept as its base so that replay still rebuilds the live state.
   */
  replaceState(state: MutableState, baseDocument: string): void {
    this.db.transaction(() => {
      this.db.exec(
        "DELETE FROM entity; DELETE FROM period; DELETE FROM journal; DELETE FROM answered; DELETE FROM meta WHERE key = 'journalBaseSeq'; DELETE FROM meta WHERE key LIKE 'nextId:%' OR key = 'idSpace'",
      );
      for (const [kind, table] of Object.entries(state.tables)) {
        if (kind === 'team') continue;
        for (const [id, doc] of table) this.statements.put.run(kind, id, JSON.stringify(doc));
      }
      for (const team of state.tables.team.values()) {
        this.statements.put.run('team', team.id, teamCore(team));
        team.periods.forEach((p, index) => this.statements.period.run(team.id, index, JSON.stringify(p)));
      }
      for (const [key, value] of counterRows(state)) this.statements.meta.run(key, value);
      this.statements.meta.run('journalBase', baseDocument);
    })();
  }

  /**
   * Binds the store to the installation's passphrase key: the first start records its fingerprint, and
   * a later start with another key (a store restored without its `secret.key`) is refused, because
   * every stored passphrase digest would silently stop matching.
   */
  bindKey(fingerprint: string): void {
    const stored = this.db.prepare("SELECT value FROM meta WHERE key = 'keyFingerprint'").pluck().get() as
      string | undefined;
    if (stored === undefined) this.statements.meta.run('keyFingerprint', fingerprint);
    else if (stored !== fingerprint) {
      throw new StartRefusal(
        'This store was written with another secret.key: restore the secret.key of its data directory too (passphrases would not match).',
      );
    }
  }

  /** The state the journal starts from: an imported state document, or undefined for the empty state. */
  journalBase(): string | undefined {
    return this.db.prepare("SELECT value FROM meta WHERE key = 'journalBase'").pluck().get() as
      string | undefined;
  }

  /** One value of the meta table (written through a commit's `meta` rows), or undefined when unset. */
  metaValue(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  /** The meta rows whose keys start with `prefix`, as [key, value] pairs in key order. */
  metaWithPrefix(prefix: string): [string, string][] {
    const rows = this.db
      .prepare('SELECT key, value FROM meta WHERE substr(key, 1, length(?)) = ? ORDER BY key')
      .all(prefix, prefix) as { key: string; value: string }[];
    return rows.map(({ key, value }) => [key, value]);
  }

  /** The last journal row the base already includes (a privacy checkpoint), or 0: replay starts after it. */
  journalBaseSeq(): number {
    const value = this.db.prepare("SELECT value FROM meta WHERE key = 'journalBaseSeq'").pluck().get() as
      string | undefined;
    return value === undefined ? 0 : Number(value);
  }

  /** Every journal entry in order (for replay). */
  *journal(): IterableIterator<{ seq: number; at: number; input: string }> {
    yield* this.db.prepare('SELECT seq, at, input FROM journal ORDER BY seq').iterate() as Iterable<{
      seq: number;
      at: number;
      input: string;
    }>;
  }

  /**
   * Runs `read` inside one read transaction, so that everything it reads comes from the same committed
   * state even while the server keeps writing (replay beside a running server).
   */
  readSnapshot<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  /** Folds the WAL into the database file (used at shutdown; during play the commit writer does it). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    this.db.close();
  }
}

interface StreamRow {
  stream: string;
  seq: number;
}

/** How a data directory's store is opened. */
export interface OpenOptions {
  /** Refuse a missing or empty database instead of creating one (the installation exists). */
  readonly mustExist?: boolean;
}

/** A connection to a store that passed every check but the integrity check, and its schema version. */
interface Connected {
  readonly db: Database.Database;
  readonly version: number;
}

/**
 * Connects to the data directory's database, refusing (DURABILITY-5) a missing one that must exist and a
 * file that is not a truinlag store this truinlag can open. Nothing is written to the database yet.
 */
function connect(dataDir: string, options: OpenOptions): Connected {
  const path = join(dataDir, DATABASE_FILE);
  if (options.mustExist === true) refuseMissing(path, dataDir);
  makeDataDirPrivate(dataDir);
  createPrivateFile(path);
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    return { db, version: checkVersion(db, dataDir, options.mustExist === true) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Brings the schema up to date. Migrations overwrite what they replace (`secure_delete`), and the WAL is
 * folded in and emptied afterwards, so that data a migration removes (plain-text tokens, AUTH-8) is gone
 * from the files too, not only from the tables.
 */
function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current >= MIGRATIONS.length) return;
  db.pragma('secure_delete = ON');
  MIGRATIONS.slice(current).forEach((migration, index) => {
    db.transaction(() => {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${current + index + 1}`);
    })();
  });
  db.pragma('secure_delete = OFF');
  db.pragma('wal_checkpoint(TRUNCATE)');
}
