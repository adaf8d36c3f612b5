import type { Write } from '../engine/state.js';
import type { Statement } from '../store/privacy-sql.js';
import type { AnsweredRequest, CommitBatch, LoggedBroadcast } from '../store/store.js';
import type { ReplicatedBatch } from './replicated.js';

type JournalRow = { readonly at: number; readonly input: string };
type Checkpoint = { readonly journalIndex: number; readonly base: string };

/**
 * One part's share of a turn (CLUSTER-18): the rows of the turn's steps that ran in it, in step order, with
 * its checkpoint's journal index counted in its own journal. What the cluster appends to the part's
 * subject; pruning is not in it (each node prunes its own store).
 */
export interface PartBatch extends CommitBatch {
  /** The part, as `partKey` names it. */
  readonly part: string;
}

/** Where one step's rows (or one replicated batch's) end in the turn's lists, and whose they are. */
interface Span {
  /** The step's part; undefined for another node's batch applied here (not appended again). */
  readonly part: string | undefined;
  readonly writes: number;
  readonly broadcasts: number;
  readonly journal: number;
  readonly answers: number;
  readonly statements: number;
  /** Set when this span's redacting step set the turn's checkpoint. */
  readonly checkpoint: Checkpoint | undefined;
}

const START = { writes: 0, broadcasts: 0, journal: 0, answers: 0, statements: 0 };

/** What one turn's steps hand to the commit writer, collected as they run, and how to take it back. */
export class TurnBatch implements CommitBatch {
  readonly writes: Write[] = [];
  readonly broadcasts: LoggedBroadcast[] = [];
  readonly journal: JournalRow[] = [];
  readonly answers: AnsweredRequest[] = [];
  /** Closures restoring memory as it was before the turn, in the order the changes were made. */
  readonly undo: (() => void)[] = [];
  /** Blob deletes and redactions of the turn's privacy steps, run after its rows (PRIVACY-1, PRIVACY-2). */
  readonly statements: Statement[] = [];
  /** Set by a step that redacted the journal: replay starts from the state after its row. */
  checkpoint?: Checkpoint;
  /** Set when the commit also drops what is past retention. */
  prune?: number;
  /** Other nodes' batches applied in this turn (the cluster's writer stores their log positions with them). */
  readonly replicated: ReplicatedBatch[] = [];
  private readonly spans: Span[] = [];
  /** The checkpoint as the last span found it (a span that changes it carries the new one). */
  private spannedCheckpoint: Checkpoint | undefined;

  /** True when the turn has nothing to make durable (it still waits for the turns before it). */
  get empty(): boolean {
    return (
      this.writes.length + this.broadcasts.length + this.answers.length + this.statements.length === 0 &&
      this.prune === undefined
    );
  }

  /**
   * The rows added since the last call are one step's, of `part` (`partKey`), or with undefined another
   * node's batch applied here.
   */
  endSpan(part: string | undefined): void {
    const checkpoint = this.checkpoint === this.spannedCheckpoint ? undefined : this.checkpoint;
    this.spannedCheckpoint = this.checkpoint;
    const { writes, broadcasts, journal, answers, statements } = this;
    // A step that added nothing (a read) is no part's: its part gets no batch for it.
    const last = this.spans.at(-1) ?? START;
    const added =
      writes.length + broadcasts.length + journal.length + answers.length + statements.length >
      last.writes + last.broadcasts + last.journal + last.answers + last.statements;
    if (!added && checkpoint === undefined) return;
    this.spans.push({
      part,
      writes: writes.length,
      broadcasts: broadcasts.length,
      journal: journal.length,
      answers: answers.length,
      statements: statements.length,
      checkpoint,
    });
  }

  /** The turn's own steps' rows by part, parts in the order of their first step (not replicated ones). */
  ownParts(): PartBatch[] {
    const parts = new Map<string, OwnPart>();
    let start: Omit<Span, 'part' | 'checkpoint'> = START;
    for (const span of this.spans) {
      if (span.part !== undefined) {
        let own = parts.get(span.part);
        if (own === undefined) parts.set(span.part, (own = new OwnPart(span.part)));
        const journalBefore = own.journal.length;
        own.writes.push(...this.writes.slice(start.writes, span.writes));
        own.broadcasts.push(...this.broadcasts.slice(start.broadcasts, span.broadcasts));
        own.journal.push(...this.journal.slice(start.journal, span.journal));
        own.answers.push(...this.answers.slice(start.answers, span.answers));
        own.statements.push(...this.statements.slice(start.statements, span.statements));
        if (span.checkpoint !== undefined)
          own.checkpoint = {
            journalIndex: journalBefore + span.checkpoint.journalIndex - start.journal,
            base: span.checkpoint.base,
          };
      }
      start = span;
    }
    return [...parts.values()].map((own) => own.batch());
  }
}

/** One part's rows, gathered from its spans. */
class OwnPart {
  readonly writes: Write[] = [];
  readonly broadcasts: LoggedBroadcast[] = [];
  readonly journal: JournalRow[] = [];
  readonly answers: AnsweredRequest[] = [];
  readonly statements: Statement[] = [];
  checkpoint: Checkpoint | undefined;

  constructor(readonly part: string) {}

  batch(): PartBatch {
    const { part, writes, broadcasts, journal, answers, statements, checkpoint } = this;
    return {
      part,
      writes,
      broadcasts,
      journal,
      answers,
      ...(statements.length === 0 ? {} : { statements }),
      ...(checkpoint === undefined ? {} : { checkpoint }),
    };
  }
}
