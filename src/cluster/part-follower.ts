import { DeliverPolicy, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { decodeReplicated } from '../runtime/replicated.js';
import type { Runtime } from '../runtime/runtime.js';
import type { AppliedPositions } from './applied-positions.js';
import { partOfKey } from '../engine/parts.js';
import { BATCH_STREAM, LogTrimmedError } from './batch-log.js';
import type { PartEntry } from './part-log.js';
import type { PartsWriter } from './parts-writer.js';

/** How long the follower waits before it reads the stream again after its consumer ended. */
const RETRY_MS = 250;

/**
 * How long each pull of the consumer lasts; the server sends heartbeats every half of it, and two missed
 * make the consumer start over. The library's default (30 s) left a copy behind for more than 30 s when
 * the NATS server that held the consumer died; with 2 s it is a few seconds, for a pull every 2 s at rest.
 */
const PULL_EXPIRES_MS = 2_000;

/**
 * Keeps a node's copy current with the other nodes' parts (CLUSTER-22): it reads the whole batch stream in
 * order, from the copy's position on, as entries arrive, and hands every batch of another writer to the
 * runtime (`applyReplicated`: memory, the SQLite copy with the entry's position, the node's own clients'
 * broadcasts). A batch the copy already holds is skipped: this node's own (its writer committed it
 * locally right after appending it; the follower waits for that commit) and any at or below its part's
 * stored position. A takeover marker moves its part's position on. Once an entry is applied, its part's
 * position in `applied` moves on: what forwarded requests and answers wait for.
 */
export class PartFollower {
  private messages: ConsumerMessages | undefined;
  private stopping = false;
  /**
   * Settles once every entry taken so far is applied: a skipped entry or a marker moves its part's
   * position on only after the batches before it, so a position never runs ahead of what was applied.
   */
  private previous: Promise<void> = Promise.resolve();
  /** Every entry up to this one is in the copy (applied and committed, or skipped): its log position. */
  private handledThrough = 0;
  private readonly handledWaiters: { readonly seq: number; readonly resolve: () => void }[] = [];

  constructor(
    private readonly js: JetStreamClient,
    private readonly runtime: Runtime,
    private readonly writer: PartsWriter,
    private readonly applied: AppliedPositions,
    /** This node's name: its own entries are in the copy already (or about to be). */
    private readonly node: string,
    private readonly logger: Logger,
    /** Called once when following cannot go on (trimmed past the copy, a failed commit): start over. */
    private readonly onFailure: (error: Error) => void,
  ) {}

  /** The log position the copy holds everything up to (stored with each commit as its position). */
  get handled(): number {
    return this.handledThrough;
  }

  /** Resolves once every entry up to `seq` is in the copy. */
  handledUpTo(seq: number): Promise<void> {
    if (seq <= this.handledThrough) return Promise.resolve();
    return new Promise((resolve) => this.handledWaiters.push({ seq, resolve }));
  }

  /** Follows the stream from the entry after `after` until stopped. */
  start(after: number): void {
    this.handledThrough = after;
    // The copy holds every entry up to its position: a part with no entry since is applied that far.
    this.applied.advanceEverywhere(after);
    void this.follow(after);
  }

  stop(): void {
    this.stopping = true;
    void this.messages?.close();
  }

  /**
   * Reads the stream in order from the entry after `after`, for as long as the node runs. A consumer that
   * ends or fails (a NATS server gone, the stream's leader moved) is made again from the entry after the
   * last one taken; a gap (the entries after it were trimmed) or a failed commit is the node's to handle.
   */
  private async follow(after: number): Promise<void> {
    let seq = after;
    while (!this.stopping) {
      try {
        const consumer = await this.js.consumers.get(BATCH_STREAM, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: seq + 1,
        });
        this.messages = await consumer.consume({ expires: PULL_EXPIRES_MS });
        // Stopped while the consumer was being made: it must not live on beside the next follower.
        if (this.stopping) return void this.messages.close();
        for await (const message of this.messages) {
          if (this.stopping) return;
          // The consumer starts at the first entry still there: a later one means the next was trimmed.
          if (message.seq !== seq + 1) throw new LogTrimmedError(seq, message.seq);
          await this.take(message.seq, message.json<PartEntry>());
          seq = message.seq;
        }
      } catch (error) {
        if (this.stopping) return;
        if (error instanceof LogTrimmedError) return this.onFailure(error);
        this.logger.warn({ err: error, after: seq }, 'following the batch log: reading again');
      }
      if (!this.stopping) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  private async take(seq: number, entry: PartEntry): Promise<void> {
    const { part } = entry;
    if (entry.kind === 'batch' && entry.node === this.node)
      await this.writer.committed(part, entry.term, seq);
    if (entry.kind === 'takeover' || seq <= (this.writer.stored.get(part) ?? 0)) {
      this.previous = this.previous.then(() => this.handle(part, seq));
      return;
    }
    const batch = decodeReplicated(entry.batch);
    this.writer.positionOf(batch, seq);
    const done = new Promise<void>((resolve) =>
      this.runtime.applyReplicated(batch, (result) => {
        if (result.ok) resolve();
        else if (!this.stopping) this.onFailure(result.error);
      }),
    );
    this.previous = Promise.all([this.previous, done]).then(() => this.handle(part, seq));
  }

  private handle(part: string, seq: number): void {
    this.handledThrough = seq;
    this.applied.advance(partOfKey(part), seq);
    this.applied.advanceEverywhere(seq);
    for (let i = this.handledWaiters.length - 1; i >= 0; i--) {
      const waiter = this.handledWaiters[i];
      if (waiter !== undefined && waiter.seq <= seq) {
        this.handledWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
