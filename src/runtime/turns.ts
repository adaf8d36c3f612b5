import type { ProtocolError } from '../protocol/errors.js';

/**
 * A stepped turn waiting to be released: its changes are in memory; `committed` says whether they are
 * on disk yet (a turn without changes has nothing to wait for itself, but is released only after every
 * turn before it, as its answers may have read their changes).
 */
export interface Turn<T> {
  readonly items: readonly T[];
  /** Closures restoring memory as it was before the turn, in the order the changes were made. */
  readonly undo: readonly (() => void)[];
  committed: boolean;
  /** Set when the turn was rolled back: its items are answered with this instead. */
  failure?: ProtocolError;
  /** Why it was rolled back: the commit's error (a replicated batch's sender is told this). */
  error?: Error;
}

/**
 * The turns stepped but not yet released, oldest first: the order in which answers and broadcasts go
 * out, whatever order the disk reports in, and the unit of rollback when a commit fails.
 */
export class TurnQueue<T> {
  private readonly turns: Turn<T>[] = [];

  get size(): number {
    return this.turns.length;
  }

  /** Queues a stepped turn; `durable` when it has nothing to commit. */
  add(items: readonly T[], undo: readonly (() => void)[], durable: boolean): Turn<T> {
    const turn: Turn<T> = { items, undo, committed: durable };
    this.turns.push(turn);
    return turn;
  }

  /**
   * A commit failed: nothing of `failed` is on disk, and every later turn was stepped on top of it (the
   * writer drops their changes too). Memory is put back as it was before `failed`, newest change first,
   * and each of those turns is released with `failure`. Returns how many turns were rolled back.
   */
  failFrom(failed: Turn<T>, failure: ProtocolError, error?: Error): number {
    const index = this.turns.indexOf(failed);
    if (index < 0 || failed.failure !== undefined) return 0;
    const turns = this.turns.slice(index);
    for (let t = turns.length - 1; t >= 0; t--) {
      const undo = (turns[t] as Turn<T>).undo;
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
    }
    for (const turn of turns) {
      turn.failure = failure;
      if (error !== undefined) turn.error = error;
      turn.committed = true;
    }
    return turns.length;
  }

  /** The oldest turn when it may be released (it and every turn before it are settled), removed. */
  next(): Turn<T> | undefined {
    return this.turns[0]?.committed === true ? this.turns.shift() : undefined;
  }
}
