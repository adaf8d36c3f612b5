import type { JetStreamClient, JetStreamManager, MsgRequest, NextMsgRequest } from '@nats-io/jetstream';
import { appendOnce, BATCH_STREAM, FencedError, readInOrder, type Writer } from './batch-log.js';
import { partToken } from './part-names.js';

/** How often a takeover tries its marker again when another append to the part got in first. */
export const TAKEOVER_ATTEMPTS = 5;

/**
 * One entry of a part's log (CLUSTER-19): the replicated batch of one part's turn (its JSON, opaque here),
 * or the marker a part's new owner appends before it steps the part, which fences the part's older
 * owners and no one else.
 */
export type PartEntry =
  | (Writer & { readonly kind: 'batch'; readonly part: string; readonly batch: string })
  | (Writer & { readonly kind: 'takeover'; readonly part: string });

/** Every part's subject (and the engine's). */
const PART_SUBJECTS = 'truinlag.batches.>';

/** The subject of a part's entries: `truinlag.batches.global`, `truinlag.batches.session.<id>`. */
export const subjectOf = (part: string): string => `truinlag.batches.${partToken(part)}`;

/**
 * The batch stream with one writer per part (CLUSTER-19): each part's entries go under the part's own
 * subject, and an append expects the last sequence of that subject (JetStream's
 * `Nats-Expected-Last-Subject-Sequence`), not of the whole stream, so that owners of different parts
 * append side by side and a takeover marker fences only its own part's older owner. Every node reads the
 * whole stream in order.
 */
export class PartLog {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /** The stream sequence of the last entry on the part's subject, 0 when it has none. */
  async lastOnSubject(part: string): Promise<number> {
    const last = await this.jsm.streams.getMessage(BATCH_STREAM, { last_by_subj: subjectOf(part) });
    return last?.seq ?? 0;
  }

  /**
   * Appends `entry` under its part's subject if the subject's last sequence is still `expected` (0: the
   * subject has no entry yet); resolves with the entry's stream sequence once a quorum stored it. Throws
   * FencedError when another entry of the part was appended meanwhile. A lost answer is retried under the
   * same message id (`appendOnce`).
   */
  append(entry: PartEntry, expected: number): Promise<number> {
    const subject = subjectOf(entry.part);
    const msgID = `${entry.part}:${entry.node}:${entry.term}:${expected}`;
    return appendOnce(
      this.js,
      { subject, payload: JSON.stringify(entry), msgID, expect: { lastSubjectSequence: expected }, expected },
      () => this.firstAfter(subject, expected, msgID),
    );
  }

  /**
   * The sequence of the entry that follows `expected` on `subject` when it was appended under `msgID` (a
   * retry of an append that landed), undefined when another append won.
   */
  private async firstAfter(subject: string, expected: number, msgID: string): Promise<number | undefined> {
    // The server (2.9 and later) answers `next_by_subj` on this API; the client types it for direct gets only.
    const request: NextMsgRequest = { next_by_subj: subject, seq: expected + 1 };
    const next = await this.jsm.streams.getMessage(BATCH_STREAM, request as unknown as MsgRequest);
    return next?.header.get('Nats-Msg-Id') === msgID ? next.seq : undefined;
  }

  /**
   * Appends the takeover marker of `node`'s term on `part`, expecting the subject's last sequence; another
   * append in between (the older owner's last ones) means: read the last sequence and try again. From the
   * marker on, an append of an older owner of the part (it expects an older sequence) is refused. Resolves
   * with the marker's sequence: the new owner steps the part once its copy has applied the stream so far.
   */
  async takeOver(part: string, node: string, term: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const last = await this.lastOnSubject(part);
      try {
        return await this.append({ kind: 'takeover', node, term, part }, last);
      } catch (error) {
        if (!(error instanceof FencedError) || attempt >= TAKEOVER_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Removes every entry up to and including `seq` (a snapshot holds their effect) except each subject's
   * last entry: JetStream checks an expected subject sequence against the subject's last entry still
   * stored, so trimming it would refuse its owner's next append (and let an append expecting an empty
   * subject in). The stream then has gaps before `seq`: a reader behind `seq` loads a snapshot first.
   */
  async trimThrough(seq: number): Promise<number> {
    const { state } = await this.jsm.streams.info(BATCH_STREAM, { subjects_filter: PART_SUBJECTS });
    let purged = 0;
    for (const subject of Object.keys(state.subjects ?? {})) {
      const last = await this.jsm.streams.getMessage(BATCH_STREAM, { last_by_subj: subject });
      const keepFrom = Math.min(seq + 1, last?.seq ?? seq + 1);
      purged += (await this.jsm.streams.purge(BATCH_STREAM, { filter: subject, seq: keepFrom })).purged;
    }
    return purged;
  }

  /**
   * Calls `each` for every entry after `after` up to and including `until`, in stream order, whatever its
   * part. Throws LogTrimmedError when the entry right after `after` is no longer in the log. The stream
   * is expected to hold part entries only: entries of the engine's single lease (`LogEntry`, on
   * `truinlag.batches.engine`) are read by `BatchLog`.
   */
  read(after: number, until: number, each: (seq: number, entry: PartEntry) => Promise<void>): Promise<void> {
    return readInOrder(this.js, after, until, each);
  }
}
