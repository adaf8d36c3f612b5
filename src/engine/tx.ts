import type { TeamRecord } from './game/types.js';
import { sessionIdKey } from './state.js';
import type {
  EngineState,
  IdSpace,
  SessionIdTable,
  PendingBroadcast,
  PlayerRecord,
  Redaction,
  TableName,
  Tables,
  Write,
} from './state.js';

/** A session's ids are `session × SESSION_ID_BASE + n` in the `per-session` space (CLUSTER-16). */
export const SESSION_ID_BASE = 2 ** 32;
/** The largest `n` of a session's counter: `n` stays below `SESSION_ID_BASE`. */
export const MAX_SESSION_ID_NUMBER = SESSION_ID_BASE - 1;
/** Session ids from here on get no ids of their own: theirs would pass 2^53 (`Number.MAX_SAFE_INTEGER`). */
export const MAX_ID_SESSIONS = 2 ** 21;

/** No id can be handed out (CLUSTER-16); the step answers IDS_EXHAUSTED and changes nothing. */
export class IdsExhausted extends Error {}

/** What a step read: some tables, or everything (it used the state directly). */
export type StepReads = 'everything' | ReadonlySet<TableName>;

/**
 * A write buffer over the read-only state: reads see the buffer's own writes. A step collects its
 * changes here and returns them as data; nothing is applied unless the command succeeds (all or nothing).
 */
export class Tx {
  private readonly puts = new Map<TableName, Map<number, Tables[TableName] | null>>();
  private readonly nextIds = new Map<TableName, number>();
  /** Session counters this step moved on, by `sessionIdKey` (CLUSTER-16). */
  private readonly sessionIds = new Map<string, { table: SessionIdTable; session: number; next: number }>();
  private partitioned = false;
  readonly broadcasts: PendingBroadcast[] = [];
  /** Keys of blobs to delete in the same commit (PRIVACY-1, PRIVACY-2). */
  readonly blobDeletes: string[] = [];
  /** Rows of the journal and delivery logs to rewrite in the same commit (PRIVACY-1, PRIVACY-2). */
  readonly redactions: Redaction[] = [];

  /** The tables this step read, or 'everything' once it looked at the state itself (see `reads`). */
  private readonly read = new Set<TableName>();
  private readAll = false;

  constructor(private readonly state: EngineState) {}

  /**
   * The state under the buffer, for reads the buffer has no method for. Whoever takes it may read
   * anything, so the step counts as having read everything (see `reads`).
   */
  get base(): EngineState {
    this.readAll = true;
    return this.state;
  }

  /**
   * What the step read so far: the tables it looked into, or 'everything' when it used `base`. The
   * runtime answers a step that wrote nothing without waiting for earlier commits only when none of
   * them changes what it read (PROTOCOL-8).
   */
  get reads(): StepReads {
    return this.readAll ? 'everything' : this.read;
  }

  get<K extends TableName>(table: K, id: number): Tables[K] | undefined {
    this.read.add(table);
    const overlay = this.puts.get(table);
    if (overlay?.has(id) === true) return (overlay.get(id) ?? undefined) as Tables[K] | undefined;
    return (this.state.tables[table] as ReadonlyMap<number, Tables[K]>).get(id);
  }

  /** Every record of a table, in id order, including this buffer's writes. */
  all<K extends TableName>(table: K): Tables[K][] {
    this.read.add(table);
    const overlay = this.puts.get(table);
    const base = this.state.tables[table] as ReadonlyMap<number, Tables[K]>;
    if (overlay === undefined) return [...base.values()];
    const merged = new Map<number, Tables[K]>(base);
    for (const [id, doc] of overlay) {
      if (doc === null) merged.delete(id);
      else merged.set(id, doc as Tables[K]);
    }
    return [...merged.values()].sort((a, b) => a.id - b.id);
  }

  /** The first record (in id order) that matches; walks the table without copying it. */
  find<K extends TableName>(table: K, predicate: (doc: Tables[K]) => boolean): Tables[K] | undefined {
    this.read.add(table);
    const overlay = this.puts.get(table);
    let found: Tables[K] | undefined;
    for (const [id, doc] of this.state.tables[table] as ReadonlyMap<number, Tables[K]>) {
      const current = overlay?.has(id) === true ? (overlay.get(id) as Tables[K] | null) : doc;
      if (current !== null && predicate(current)) {
        found = current;
        break;
      }
    }
    for (const [id, doc] of overlay ?? []) {
      if (doc === null || this.state.tables[table].has(id) || !predicate(doc as Tables[K])) continue;
      if (found === undefined || id < found.id) found = doc as Tables[K];
    }
    return found;
  }

  /** The player (removed or not) whose passphrase has this lookup hash, including this buffer's writes. */
  playerWithPassphrase(lookup: string): PlayerRecord | undefined {
    this.read.add('player');
    for (const doc of this.puts.get('player')?.values() ?? []) {
      if (doc !== null && (doc as PlayerRecord).passphrase?.lookup === lookup) return doc as PlayerRecord;
    }
    const indexed = this.state.tables.player.withPassphrase(lookup);
    // The index is of the base state: the record may have been changed or deleted in this buffer.
    const current = indexed === undefined ? undefined : this.get('player', indexed.id);
    return current?.passphrase?.lookup === lookup ? current : undefined;
  }

  /**
   * The team that lists the player (CLUSTER-12), including this buffer's writes: a team this buffer wrote
   * counts as it now is, and the index of the base state is believed only while its team still lists them.
   */
  teamOfPlayer(player: number): TeamRecord | undefined {
    this.read.add('team');
    const overlay = this.puts.get('team');
    for (const doc of overlay?.values() ?? []) {
      if (doc !== null && (doc as TeamRecord).players.includes(player)) return doc as TeamRecord;
    }
    const indexed = this.state.tables.team.teamOf(player);
    const current = indexed === undefined ? undefined : this.get('team', indexed.id);
    return current?.players.includes(player) === true ? current : undefined;
  }

  put<K extends TableName>(table: K, doc: Tables[K]): Tables[K] {
    this.overlay(table).set(doc.id, doc);
    return doc;
  }

  delete(table: TableName, id: number): void {
    this.overlay(table).set(id, null);
  }

  /** Hands out the next id of a table; ids are never reused, also across restarts (PROTOCOL-5). */
  newId(table: TableName): number {
    const id = this.nextIds.get(table) ?? this.state.nextIds[table];
    this.nextIds.set(table, id + 1);
    return id;
  }

  /**
   * Hands out the id of a record a session owns (CLUSTER-16): in the `shared` space the table's next id;
   * in the `per-session` space `session × 2^32 + n` from the session's own counter of the table, so that
   * owners of different sessions never hand out the same id. A record of no session (a retention timer
   * from before timers named their session, a profile picture) takes a shared id in both spaces.
   * Throws an `IdsExhausted` when the id would not fit (a session id of 2^21 or more, or `n` past
   * 2^32 − 1): the step is refused and changes nothing.
   */
  newIdIn(table: SessionIdTable, session: number | null): number {
    if (this.idSpace() === 'shared' || session === null) return this.newId(table);
    if (session >= MAX_ID_SESSIONS)
      throw new IdsExhausted(`Session ${session} is too large for its own ids.`);
    const key = sessionIdKey(table, session);
    const n = this.sessionIds.get(key)?.next ?? this.state.sessionIds.get(key) ?? 1;
    if (n > MAX_SESSION_ID_NUMBER)
      throw new IdsExhausted(`Session ${session} has handed out every id of its ${table} table.`);
    this.sessionIds.set(key, { table, session, next: n + 1 });
    return session * SESSION_ID_BASE + n;
  }

  /** The id space, as this step leaves it. */
  idSpace(): IdSpace {
    return this.partitioned ? 'per-session' : this.state.idSpace;
  }

  /** Switches the state to the `per-session` id space, for good (CLUSTER-16). */
  partitionIds(): void {
    this.partitioned = true;
  }

  broadcast(broadcast: PendingBroadcast): void {
    this.broadcasts.push(broadcast);
  }

  /** Deletes the bytes stored under a key (a picture's), in the same commit. */
  deleteBlob(key: string): void {
    this.blobDeletes.push(key);
  }

  /** Asks for personal data to be rewritten out of the journal and the logs, in the same commit. */
  redact(redaction: Redaction): void {
    this.redactions.push(redaction);
  }

  /** The collected changes, in a stable order. */
  writes(): Write[] {
    const writes: Write[] = [];
    if (this.partitioned) writes.push({ op: 'idSpace', space: 'per-session' });
    for (const [table, next] of this.nextIds) writes.push({ op: 'nextId', table, next });
    for (const { table, session, next } of this.sessionIds.values())
      writes.push({ op: 'nextId', table, session, next });
    for (const [table, overlay] of this.puts) {
      for (const [id, doc] of overlay) {
        writes.push(doc === null ? { op: 'delete', table, id } : { op: 'put', table, id, doc });
      }
    }
    return writes;
  }

  private overlay(table: TableName): Map<number, Tables[TableName] | null> {
    let overlay = this.puts.get(table);
    if (overlay === undefined) {
      overlay = new Map();
      this.puts.set(table, overlay);
    }
    return overlay;
  }
}
