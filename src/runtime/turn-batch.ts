import type { Write } from '../engine/state.js';
import type { Statement } from '../store/privacy-sql.js';
import type { AnsweredRequest, CommitBatch, LoggedBroadcast } from '../store/store.js';

/** What one turn's steps hand to the commit writer, collected as they run, and how to take it back. */
export class TurnBatch implements CommitBatch {
  readonly writes: Write[] = [];
  readonly broadcasts: LoggedBroadcast[] = [];
  readonly journal: { readonly at: number; readonly input: string }[] = [];
  readonly answers: AnsweredRequest[] = [];
  /** Closures restoring memory as it was before the turn, in the order the changes were made. */
  readonly undo: (() => void)[] = [];
  /** Blob deletes and redactions of the turn's privacy steps, run after its rows (PRIVACY-1, PRIVACY-2). */
  readonly statements: Statement[] = [];
  /** Set by a step that redacted the journal: replay starts from the state after its row. */
  checkpoint?: { readonly journalIndex: number; readonly base: string };
  /** Set when the commit also drops what is past retention. */
  prune?: number;

  /** True when the turn has nothing to make durable (it still waits for the turns before it). */
  get empty(): boolean {
    return (
      this.writes.length + this.broadcasts.length + this.answers.length + this.statements.length === 0 &&
      this.prune === undefined
    );
  }
}
