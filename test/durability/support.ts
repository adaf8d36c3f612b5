import Database from 'better-sqlite3';
import { join } from 'node:path';
import { pino } from 'pino';
import WebSocket from 'ws';
import type { Actor } from '../../src/engine/handler.js';
import type { Command } from '../../src/protocol/commands/index.js';
import {
  serverMessageSchema,
  type BroadcastMessage,
  type Notice,
  type ResponseMessage,
  type ServerMessage,
  type Welcome,
} from '../../src/protocol/envelope.js';
import { encodeLoggedBroadcast } from '../../src/protocol/encode.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { sessionOfStream } from '../../src/runtime/audience.js';
import type { Clock } from '../../src/runtime/clock.js';
import type { FrameKind, Peer } from '../../src/runtime/peer.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { Inbox, withTimeout } from '../helpers/index.js';

/* ------------------------------------------------------------------------------------------------ */
/* In-process runtime on a real store                                                               */
/* ------------------------------------------------------------------------------------------------ */

const silent = pino({ level: 'silent' });

/** A runtime on a real SQLite store in `dataDir`, driven by `clock`. Close it with `runtime.shutdown()`. */
export function openRuntime(dataDir: string, clock: Clock): Runtime {
  return new Runtime({ store: SqliteStore.open(dataDir), clock, logger: silent });
}

/**
 * A peer that lives in memory: the runtime's frames land in an inbox, checked against the protocol's
 * server message schema. It stands in for a transport connection in runtime-level tests.
 */
export class MemoryPeer implements Peer {
  readonly inbox = new Inbox();
  readonly session: number | null = null;
  readonly actor: Actor = { kind: 'admin' };
  private next = 1;

  constructor(
    private readonly runtime: Runtime,
    readonly id: string,
  ) {
    runtime.attach(this);
  }

  send(frame: string, _kind: FrameKind): void {
    this.inbox.receive(frame);
  }

  close(): void {
    this.runtime.detach(this);
  }

  /** Submits a command under this peer's client identity; returns the request id. */
  submit(command: Command, session?: number, id = `${this.id}-${this.next++}`): string {
    this.runtime.submit({
      source: 'client',
      peer: this,
      reply: { clientKey: `admin/${this.id}`, requestId: id },
      command,
      session,
    });
    return id;
  }

  /** Submits and resolves with the result; throws with the error if the command was refused. */
  async call<T = unknown>(command: Command, session?: number): Promise<T> {
    const response = await this.inbox.answer(this.submit(command, session));
    if (response.type !== 'response' || !response.ok) throw new Error(`refused: ${JSON.stringify(response)}`);
    return response.result as T;
  }

  /** The texts of the announcements this peer received so far, in arrival order. */
  announcements(): string[] {
    return this.inbox.all.flatMap((m) =>
      m.type === 'broadcast' && m.event.type === 'announcement' ? [m.event.text] : [],
    );
  }
}

/**
 * Resolves when the runtime lets go of the connection with this id (the welcome's `connection`): the
 * server closed it or it went away. Wraps the runtime's public `detach` to observe it, without changing
 * what it does.
 */
export function onDetach(runtime: Runtime): (connectionId: string, timeoutMs?: number) => Promise<void> {
  const gone = new Set<string>();
  const waiters = new Map<string, () => void>();
  const original = runtime.detach.bind(runtime);
  runtime.detach = (peer: Peer): void => {
    original(peer);
    gone.add(peer.id);
    waiters.get(peer.id)?.();
  };
  return (connectionId, timeoutMs = 30_000) =>
    gone.has(connectionId)
      ? Promise.resolve()
      : withTimeout(
          new Promise<void>((resolve) => waiters.set(connectionId, resolve)),
          timeoutMs,
          `server letting go of connection ${connectionId}`,
        );
}

/* ------------------------------------------------------------------------------------------------ */
/* A bare protocol client with explicit client and request ids                                      */
/* ------------------------------------------------------------------------------------------------ */

export interface Answer {
  /** The response exactly as it arrived. */
  readonly text: string;
  readonly message: ResponseMessage;
}

/**
 * A WebSocket connection that speaks the protocol by hand: the test picks the client identity and every
 * request id, so it can re-send an id and compare answers byte for byte. A request whose connection
 * drops before its answer resolves with `undefined` (not acknowledged).
 */
export class WireClient {
  readonly broadcasts: BroadcastMessage[] = [];
  readonly notices: Notice[] = [];
  readonly violations: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  welcome: Welcome | undefined;
  private readonly pending = new Map<string, (answer: Answer | undefined) => void>();
  private readonly broadcastWaiters = new Set<() => void>();
  private isClosed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(rawText(data)));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.isClosed = true;
        for (const settle of this.pending.values()) settle(undefined);
        this.pending.clear();
        for (const wake of this.broadcastWaiters) wake();
        resolve({ code, reason: reason.toString('utf8') });
      }),
    );
  }

  /** Opens a connection and completes the handshake. */
  static async open(
    url: string,
    hello: { client?: string; token?: string; since?: Record<string, number> },
    options: WebSocket.ClientOptions = {},
  ): Promise<WireClient> {
    const socket = new WebSocket(url, options);
    const client = new WireClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      10_000,
      'WebSocket open',
    );
    const welcomed = new Promise<void>((resolve, reject) => {
      const check = (data: WebSocket.RawData): void => {
        if ((JSON.parse(rawText(data)) as ServerMessage).type === 'welcome') {
          socket.off('message', check);
          resolve();
        }
      };
      socket.on('message', check);
      void client.closed.then(() => reject(new Error('closed before welcome')));
    });
    socket.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, ...hello }));
    await withTimeout(welcomed, 10_000, 'welcome');
    return client;
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Sends one request; resolves with its answer, or undefined if the connection drops first. */
  request(id: string, command: Record<string, unknown>, session?: number): Promise<Answer | undefined> {
    if (this.isClosed) return Promise.resolve(undefined);
    const answered = new Promise<Answer | undefined>((resolve) => this.pending.set(id, resolve));
    this.socket.send(
      JSON.stringify({ type: 'request', id, ...(session === undefined ? {} : { session }), command }),
    );
    return answered;
  }

  /** Like `request`, but fails unless an answer arrives in time. */
  async answer(
    id: string,
    command: Record<string, unknown>,
    session?: number,
    timeoutMs = 15_000,
  ): Promise<Answer> {
    const answer = await withTimeout(this.request(id, command, session), timeoutMs, `answer to ${id}`);
    if (answer === undefined) throw new Error(`connection lost before the answer to ${id}`);
    return answer;
  }

  /** Waits until `predicate` holds for the broadcasts received so far (checked on each arrival). */
  async until(
    predicate: (all: readonly BroadcastMessage[]) => boolean,
    timeoutMs = 15_000,
    what = 'broadcasts',
  ): Promise<void> {
    if (predicate(this.broadcasts)) return;
    let wake: () => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      wake = () => {
        if (predicate(this.broadcasts)) resolve();
        else if (this.isClosed) reject(new Error(`connection closed while waiting for ${what}`));
      };
      this.broadcastWaiters.add(wake);
    });
    try {
      await withTimeout(done, timeoutMs, what);
    } finally {
      this.broadcastWaiters.delete(wake);
    }
  }

  close(): void {
    this.socket.terminate();
  }

  private receive(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      this.violations.push(text);
      return;
    }
    if (!serverMessageSchema.safeParse(message).success) this.violations.push(text);
    switch (message.type) {
      case 'welcome':
        this.welcome = message;
        return;
      case 'response': {
        const settle = this.pending.get(message.id);
        this.pending.delete(message.id);
        settle?.({ text, message });
        return;
      }
      case 'broadcast':
        this.broadcasts.push(message);
        for (const wake of this.broadcastWaiters) wake();
        return;
      case 'notice':
        this.notices.push(message);
        return;
      case 'error':
        return;
    }
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (data instanceof ArrayBuffer ? Buffer.from(data) : data).toString('utf8');
}

/* ------------------------------------------------------------------------------------------------ */
/* Reading a data directory's store from the outside (read-only, as another process would)          */
/* ------------------------------------------------------------------------------------------------ */

export interface LoggedRow {
  readonly stream: string;
  readonly seq: number;
  readonly at: number;
  /** Null: every follower of the stream. */
  readonly recipients: string | null;
  readonly event: string;
}
export interface AnsweredRow {
  readonly client: string;
  readonly request: string;
  readonly at: number;
  readonly answer: string;
}
export interface JournalRow {
  readonly seq: number;
  readonly at: number;
  readonly input: string;
}
export interface StoreSnapshot {
  readonly entities: { kind: string; id: number; doc: Record<string, unknown> }[];
  readonly broadcasts: LoggedRow[];
  readonly answered: AnsweredRow[];
  readonly journal: JournalRow[];
  readonly meta: Record<string, string>;
}

/** Everything in a data directory's store, read in one read transaction through a read-only connection. */
export function readStore(dataDir: string): StoreSnapshot {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.transaction(() => ({
      entities: (
        db.prepare('SELECT kind, id, doc FROM entity ORDER BY kind, id').all() as {
          kind: string;
          id: number;
          doc: string;
        }[]
      ).map((row) => ({ ...row, doc: JSON.parse(row.doc) as Record<string, unknown> })),
      broadcasts: db.prepare('SELECT * FROM broadcast ORDER BY stream, seq').all() as LoggedRow[],
      answered: db.prepare('SELECT * FROM answered ORDER BY at, client, request').all() as AnsweredRow[],
      journal: db.prepare('SELECT * FROM journal ORDER BY seq').all() as JournalRow[],
      meta: Object.fromEntries(
        (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
          r.key,
          r.value,
        ]),
      ),
    }))();
  } finally {
    db.close();
  }
}

/**
 * Problems with the broadcast log: each stream must be numbered 1, 2, 3, … in order, without a gap but
 * where a later location superseded one (RESUME-3: a gap must be followed by a location row), with at
 * most one location per team and recipients, each row's event must parse, and the stream's remembered
 * last number must be its last row's.
 */
export function broadcastLogProblems(snapshot: StoreSnapshot): string[] {
  const problems: string[] = [];
  const byStream = new Map<string, LoggedRow[]>();
  for (const row of snapshot.broadcasts) byStream.set(row.stream, [...(byStream.get(row.stream) ?? []), row]);
  for (const [stream, rows] of byStream) {
    const locations = new Set<string>();
    let gapAt: number | undefined;
    rows.forEach((row, index) => {
      const expected = index === 0 ? 1 : (rows[index - 1]?.seq ?? 0) + 1;
      if (row.seq < expected) problems.push(`stream ${stream}: row ${index} has seq ${row.seq}`);
      if (row.seq > expected) gapAt ??= expected;
      const event = JSON.parse(row.event) as BroadcastMessage['event'];
      if (event.type !== 'location') return;
      const key = `${event.team} ${row.recipients}`;
      if (locations.has(key)) problems.push(`stream ${stream}: a second location of ${key} at ${row.seq}`);
      locations.add(key);
      if (gapAt !== undefined && gapAt < row.seq) gapAt = undefined;
    });
    if (gapAt !== undefined) problems.push(`stream ${stream}: seq ${gapAt} is missing`);
    const remembered = Number(snapshot.meta[`stream:${stream}`]);
    const last = rows.at(-1)?.seq;
    if (remembered !== last) problems.push(`stream ${stream}: meta says ${remembered}, log ends at ${last}`);
  }
  return problems;
}

/** A logged broadcast's frame as a resume sends it. */
export function loggedFrame(row: LoggedRow): string {
  return encodeLoggedBroadcast({ ...row, session: sessionOfStream(row.stream) });
}

/** The broadcast frames of the log as resumes send them, parsed, per stream in order. */
export function loggedFrames(snapshot: StoreSnapshot, stream?: string): BroadcastMessage[] {
  return snapshot.broadcasts
    .filter((row) => stream === undefined || row.stream === stream)
    .map((row) => JSON.parse(loggedFrame(row)) as BroadcastMessage);
}

/**
 * SQL that turns this version's broadcast log and kept answers back into what versions 4 to 7 had (whole
 * frames, recipients always stored, answers in their envelopes), for tests that make a store of an older
 * version out of one this version wrote.
 */
export const LOGS_OF_VERSION_7 = `
  ALTER TABLE answered RENAME COLUMN answer TO response;
  UPDATE answered SET response = json_set(response, '$.type', 'response', '$.id', request);
  CREATE TABLE broadcast_old (
    stream TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, recipients TEXT NOT NULL,
    message TEXT NOT NULL, PRIMARY KEY (stream, seq)
  ) WITHOUT ROWID;
  INSERT INTO broadcast_old SELECT stream, seq, at, COALESCE(recipients, '{"to":"stream","exceptPlayers":[]}'),
    json_object('type', 'broadcast', 'session', CASE WHEN stream = 'global' THEN NULL ELSE CAST(stream AS INTEGER) END,
      'seq', seq, 'at', at, 'event', json(event))
    FROM broadcast;
  DROP TABLE broadcast;
  ALTER TABLE broadcast_old RENAME TO broadcast;
  CREATE INDEX broadcast_at ON broadcast (at);`;
