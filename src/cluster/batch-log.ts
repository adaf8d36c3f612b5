import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { CommitRows } from '../store/commit-rows.js';
import { isWrongLastSequence } from './jetstream-errors.js';

/** The stream every commit batch of the engine is appended to. */
export const BATCH_STREAM = 'TRUINLAG_BATCHES';
/**
 * The subject of the whole engine's batches. With an owner per part, each part's batches go under their
 * own subject instead, checked by the last sequence per subject (`PartLog`, part-log.ts).
 */
export const ENGINE_SUBJECT = 'truinlag.batches.engine';

/** Who wrote an entry: the node and the lease revision (fencing token) of its ownership term. */
export interface Writer {
  readonly node: string;
  readonly term: number;
}

/**
 * One entry of the log: a commit batch's rows as the local store runs them, or the marker a new owner
 * appends before it serves (which fences every older owner: its next append expects an older last sequence).
 */
export type LogEntry =
  (Writer & { readonly kind: 'batch'; readonly rows: CommitRows }) | (Writer & { readonly kind: 'takeover' });

/** The append was refused because someone else appended since: this node no longer owns the engine. */
export class FencedError extends Error {
  constructor(expected: number) {
    super(`Another node has appended to the batch log after sequence ${expected}: this node was fenced off.`);
  }
}

/**
 * The entries after a reader's position were trimmed from the log (a snapshot holds them now): the
 * reader must load a snapshot first (CLUSTER-8).
 */
export class LogTrimmedError extends Error {
  constructor(after: number, first: number) {
    super(`The batch log was trimmed: it continues at sequence ${first}, not after ${after}.`);
  }
}

/** Where the log starts and ends: its first sequence (0 when it never held anything) and its last. */
export interface LogBounds {
  readonly first: number;
  readonly last: number;
}

/** How long an append keeps retrying a lost answer (a NATS server restarting, a stream leader moving). */
const APPEND_PATIENCE_MS = 15_000;
const APPEND_TIMEOUT_MS = 2_000;

/** Creates the batch stream when it is missing: file storage, `replicas` copies (3 in a 3-server cluster). */
export async function ensureBatchStream(jsm: JetStreamManager, replicas: number): Promise<void> {
  try {
    await jsm.streams.info(BATCH_STREAM);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    await jsm.streams.add({
      name: BATCH_STREAM,
      subjects: ['truinlag.batches.>'],
      storage: StorageType.File,
      num_replicas: replicas,
      // Dedupe window of retried appends (an append whose answer was lost is sent again under its id).
      duplicate_window: 120 * 1e9,
      max_msg_size: -1,
    });
  }
}

/** The engine's batch log on JetStream: append with the expected-last-sequence check, read in order. */
export class BatchLog {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /** The sequence of the stream's last entry (0 when it is empty). */
  async lastSequence(): Promise<number> {
    return (await this.bounds()).last;
  }

  /** The stream's first and last sequence (after a trim of everything, first is last + 1). */
  async bounds(): Promise<LogBounds> {
    const { state } = await this.jsm.streams.info(BATCH_STREAM);
    return { first: state.first_seq, last: state.last_seq };
  }

  /**
   * Removes every entry up to and including `seq` (a snapshot holds their effect). The stream's last
   * sequence stays, so the expected-last-sequence check of appends is untouched.
   */
  async trimThrough(seq: number): Promise<number> {
    return (await this.jsm.streams.purge(BATCH_STREAM, { seq: seq + 1 })).purged;
  }

  /**
   * Appends `entry` if the stream's last sequence is still `expected`; resolves with the entry's sequence
   * once a quorum of the stream's servers stored it. Throws FencedError when someone else appended
   * meanwhile (see `appendOnce`).
   */
  append(entry: LogEntry, expected: number): Promise<number> {
    return appendOnce(this.js, {
      subject: ENGINE_SUBJECT,
      payload: JSON.stringify(entry),
      msgID: `${entry.node}:${entry.term}:${expected + 1}`,
      expect: { lastSequence: expected },
      expected,
    });
  }

  /**
   * Calls `each` for every entry after `after` up to and including `until`, in order. Throws
   * LogTrimmedError when the entry right after `after` is no longer in the log.
   */
  read(after: number, until: number, each: (seq: number, entry: LogEntry) => Promise<void>): Promise<void> {
    return readInOrder(this.js, after, until, each);
  }
}

/** One append: where, what, under which message id, and the sequence it expects (stream or subject). */
export interface Append {
  readonly subject: string;
  readonly payload: string;
  /** Unique per append of a writer: a retry of the same append reuses it. */
  readonly msgID: string;
  readonly expect: { readonly lastSequence: number } | { readonly lastSubjectSequence: number };
  /** The sequence the expectation names (for the FencedError). */
  readonly expected: number;
}

/**
 * Publishes `append` and resolves with its stream sequence once a quorum of the stream's servers stored
 * it; throws FencedError when the expectation failed (someone else appended meanwhile). A lost answer (a
 * NATS server restarting, a stream leader moving) is retried under the same message id, so a retry of an
 * append that did land is answered as a duplicate, with the first one's sequence, instead of being stored
 * twice. JetStream checks the message id before an expected stream sequence, but after an expected
 * subject sequence (nats-server 2.9, replicated): such a retry is refused instead, and `landedAs` says
 * whether the entry that won the expectation is this append (its sequence) or another's (undefined).
 */
export async function appendOnce(
  js: JetStreamClient,
  append: Append,
  landedAs: () => Promise<number | undefined> = () => Promise.resolve(undefined),
): Promise<number> {
  const deadline = Date.now() + APPEND_PATIENCE_MS;
  for (;;) {
    try {
      const ack = await js.publish(append.subject, append.payload, {
        msgID: append.msgID,
        expect: append.expect,
        timeout: APPEND_TIMEOUT_MS,
      });
      return ack.seq;
    } catch (error) {
      if (isWrongLastSequence(error)) {
        const seq = await landedAs();
        if (seq === undefined) throw new FencedError(append.expected);
        return seq;
      }
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Calls `each` for every entry of the batch stream after `after` up to and including `until`, in order,
 * whatever its subject. Throws LogTrimmedError when the entry right after `after` is no longer there.
 */
export async function readInOrder<Entry>(
  js: JetStreamClient,
  after: number,
  until: number,
  each: (seq: number, entry: Entry) => Promise<void>,
): Promise<void> {
  if (until <= after) return;
  const consumer = await js.consumers.get(BATCH_STREAM, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: after + 1,
  });
  let seq = after;
  while (seq < until) {
    const messages = await consumer.fetch({ max_messages: Math.min(512, until - seq), expires: 5_000 });
    for await (const message of messages) {
      // The consumer starts at the first entry still there: a later one means the next was trimmed.
      if (message.seq !== seq + 1) throw new LogTrimmedError(seq, message.seq);
      seq = message.seq;
      await each(seq, message.json<Entry>());
      if (seq >= until) break;
    }
  }
}
