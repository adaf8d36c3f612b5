import type { Logger } from 'pino';
import { toRows } from '../store/commit-rows.js';
import type { CommitWriter } from '../store/commit-writer.js';
import type { PeriodTracker } from '../store/period-rows.js';
import type { StoredBlob } from '../store/store.js';
import { encodeReplicated, type ReplicatedBatch } from '../runtime/replicated.js';
import type { PartBatch, TurnBatch } from '../runtime/turn-batch.js';
import { AppendingWriter, type Waiting } from './appending-writer.js';
import { deletedBlobKeys, type BlobObjects } from './blob-objects.js';
import type { PartLog } from './part-log.js';
import { POSITION_KEY } from './snapshot-file.js';

/** The meta key of the last log sequence of a part this node's copy holds (CLUSTER-22). */
export const partPositionKey = (part: string): string => `cluster:part:${part}`;

/** A part this node may append to: the term it holds it in, and the last sequence it appended or its marker. */
interface HeldPart {
  readonly term: number;
  last: number;
}

/** The writer was asked to append a part it does not hold (its lease was lost while the step waited). */
export class PartNotHeldError extends Error {
  constructor(part: string) {
    super(`This node no longer holds part ${part}: its batch was not appended.`);
  }
}

/**
 * The store writer of a node that owns some parts (CLUSTER-22). A turn's steps are grouped by part
 * (`TurnBatch.ownParts`); each group is appended to its part's subject, expecting the subject's last
 * sequence to be the one this node appended before or its own takeover marker (so an older owner of the
 * part cannot append once this node took it over, and this node cannot once another did). Only then is
 * the whole turn — its own groups, and the other nodes' batches it applied (`replicated`) — committed to
 * the node's SQLite copy in one transaction, with each part's log position, and reported done. Appends
 * go one turn at a time, in call order; a failed append fails its turn and every turn queued behind it,
 * and the writer takes nothing more (the node starts over from its copy and the log).
 */
export class PartsWriter extends AppendingWriter {
  private readonly held = new Map<string, HeldPart>();
  /** The log positions of the other nodes' batches in the turns queued here (set by the follower). */
  private readonly positions = new WeakMap<ReplicatedBatch, number>();
  /** Own entries appended whose local commit is under way: the follower waits for them. */
  private readonly committing = new Map<number, Promise<void>>();
  /**
   * The parts and terms of the turn being appended, until its local commit is under way: the follower may
   * read an entry before its acknowledgement reached this writer, and must wait for it.
   */
  private readonly appendingNow = new Set<string>();
  /** Resolved each time a turn's appends settle (for `committed`). */
  private settleWaiters: (() => void)[] = [];
  /** How far the follower has the copy hold every entry (set once the follower exists). */
  followed: () => number = () => 0;

  constructor(
    private readonly log: PartLog,
    local: CommitWriter,
    private readonly node: string,
    /** What the local store holds of each team's periods: a batch carries only the periods that changed. */
    private readonly periods: PeriodTracker,
    blobs: BlobObjects,
    logger: Pick<Logger, 'warn'>,
    /** Called once, when an append failed: the node must start over from its copy and the log. */
    onFailure: (error: Error) => void,
    /** Per part, the last log sequence the copy holds (read from its meta at start); kept current here. */
    readonly stored: Map<string, number>,
  ) {
    super(local, blobs, logger, onFailure);
  }

  /** This node took `part` over in `term`; its marker is at `marker`. */
  hold(part: string, term: number, marker: number): void {
    this.held.set(part, { term, last: marker });
  }

  /** This node no longer holds `part`: a turn with a step of it fails (its lease was lost). */
  release(part: string): void {
    this.held.delete(part);
  }

  /** Per part held, the last sequence this node appended (or its marker): a forwarded answer is in it. */
  appended(): Record<string, number> {
    return Object.fromEntries([...this.held].map(([part, { last }]) => [part, last]));
  }

  /** The follower hands another node's batch to the runtime: its log position goes in with its commit. */
  positionOf(batch: ReplicatedBatch, seq: number): void {
    this.positions.set(batch, seq);
  }

  /**
   * Resolves once the copy holds an entry this node appended in `term` of `part` (the follower reads it
   * from the stream, possibly before the append's acknowledgement reached this writer), also when the part
   * was lost or released meanwhile: its local commit still comes. An entry the copy holds already, or one
   * this writer is not appending (of an earlier serving), resolves at once.
   */
  async committed(part: string, term: number, seq: number): Promise<void> {
    for (;;) {
      const local = this.committing.get(seq);
      if (local !== undefined) return local;
      if ((this.stored.get(part) ?? 0) >= seq || !this.appendingNow.has(heldKey(part, term))) return;
      await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    }
  }

  /** Stores picture bytes fetched from the cluster in the copy only (CLUSTER-9). */
  storeCopied(blobs: readonly StoredBlob[]): Promise<void> {
    return this.local.storeBlobs(blobs);
  }

  protected appendNext(next: Waiting): void {
    const started = performance.now();
    this.appendParts(next.batch as TurnBatch).then(
      async (appended) => {
        this.queue.shift();
        const rows = toRows(next.batch, this.periods);
        const positions = [...appended];
        for (const replicated of (next.batch as TurnBatch).replicated) {
          const seq = this.positions.get(replicated);
          if (seq !== undefined) positions.push([replicated.part, seq]);
        }
        // The copy's position: every entry up to it is in the copy already (CLUSTER-8 names snapshots by it).
        const meta = [...rows.meta, [POSITION_KEY, String(this.followed())] as [string, string]];
        for (const [part, seq] of positions) meta.push([partPositionKey(part), String(seq)]);
        const erased = deletedBlobKeys(rows);
        // The erasure is answered once the cluster's copy of its bytes is gone too (CLUSTER-9).
        if (erased.length > 0 && appended.length > 0) await this.deleteBlobs(erased);
        let settle: () => void = () => undefined;
        const local = new Promise<void>((resolve) => (settle = resolve));
        for (const [, seq] of appended) this.committing.set(seq, local);
        this.appendingNow.clear();
        this.local.commitRows({ ...rows, meta }, (result) => {
          if (result.ok) for (const [part, seq] of positions) this.moveStored(part, seq);
          for (const [, seq] of appended) this.committing.delete(seq);
          settle();
          this.stats.commits++;
          this.stats.ms += performance.now() - started;
          next.done(result);
        });
        this.settled();
      },
      (error: unknown) => this.failed(error),
    );
  }

  /** Appends the turn's own groups, one part after another; resolves with each part's new sequence. */
  private async appendParts(batch: TurnBatch): Promise<[string, number][]> {
    const appended: [string, number][] = [];
    for (const group of batch.ownParts()) appended.push([group.part, await this.appendPart(group)]);
    return appended;
  }

  private async appendPart(group: PartBatch): Promise<number> {
    const held = this.held.get(group.part);
    if (held === undefined) throw new PartNotHeldError(group.part);
    this.appendingNow.add(heldKey(group.part, held.term));
    const entry = {
      kind: 'batch',
      node: this.node,
      term: held.term,
      part: group.part,
      batch: encodeReplicated(group),
    } as const;
    held.last = await this.log.append(entry, held.last);
    return held.last;
  }

  private moveStored(part: string, seq: number): void {
    if (seq > (this.stored.get(part) ?? 0)) this.stored.set(part, seq);
  }

  protected override failed(error: unknown): void {
    this.appendingNow.clear();
    super.failed(error);
  }

  protected override settled(): void {
    for (const resolve of this.settleWaiters.splice(0)) resolve();
    super.settled();
  }
}

/** A part held in a term, as a key. */
const heldKey = (part: string, term: number): string => `${part}@${term}`;
