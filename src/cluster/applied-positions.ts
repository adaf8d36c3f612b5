import { partKey, type Part } from '../engine/parts.js';
import type { Positions } from './forward-subjects.js';

/** A wait for log positions that ended before they were all applied: its time ran out, or the node stops. */
export class PositionsNotReached extends Error {
  constructor(
    readonly reason: 'timeout' | 'stopped',
    /** The parts still short of the wanted position: wanted and applied. */
    readonly missing: Readonly<Record<string, { readonly wanted: number; readonly applied: number }>>,
  ) {
    super(
      reason === 'stopped'
        ? 'The node stopped before its copy applied the awaited log positions.'
        : `The node's copy did not apply the awaited log positions in time: ${JSON.stringify(missing)}.`,
    );
    this.name = 'PositionsNotReached';
  }
}

/** One `waitFor`: how many of its parts are still short, and how it ends. */
interface Waiter {
  readonly wanted: Positions;
  unmet: number;
  readonly resolve: () => void;
  readonly reject: (error: PositionsNotReached) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Per part, the log position this node's copy has applied (CLUSTER-21): the parts it owns as it appends
 * them, the others as it applies their batches from the stream. A forwarding node sends its positions as
 * a request's `after` and waits for the positions of the owner's answer before it answers its client, so
 * the client has seen the step's broadcasts first; an owner waits for a request's `after` before it
 * steps it. Waiting costs no polling: each `advance` settles exactly the waits it completes, in the order
 * of their positions, ties in the order they began.
 */
export class AppliedPositions {
  private readonly applied = new Map<string, number>();
  /** Per part, the waits still short of it: each wanted position with its wait, in that order. */
  private readonly waiting = new Map<string, { readonly at: number; readonly waiter: Waiter }[]>();
  /** Every entry of the log up to here is in the copy: every part is applied at least this far. */
  private everywhere = 0;
  private stopped = false;

  /** How far the copy has applied `part` (0: nothing yet). */
  position(part: Part): number {
    return this.positionOf(partKey(part));
  }

  /** The copy has applied `part` up to `position` (an older position changes nothing). */
  advance(part: Part, position: number): void {
    const key = partKey(part);
    if (position <= (this.applied.get(key) ?? 0)) return;
    this.applied.set(key, position);
    this.settleUpTo(key, position);
  }

  /**
   * The copy holds every entry of the log up to `position` (the follower's contiguous position, also after
   * a restart, when no entry of a part may come for a while): every part counts as applied that far.
   */
  advanceEverywhere(position: number): void {
    if (position <= this.everywhere) return;
    this.everywhere = position;
    for (const key of [...this.waiting.keys()]) this.settleUpTo(key, position);
  }

  private positionOf(key: string): number {
    return Math.max(this.applied.get(key) ?? 0, this.everywhere);
  }

  private settleUpTo(key: string, position: number): void {
    const queue = this.waiting.get(key);
    if (queue === undefined) return;
    let reached = 0;
    while (reached < queue.length && (queue[reached] as { at: number }).at <= position) reached++;
    const due = queue.splice(0, reached);
    if (queue.length === 0) this.waiting.delete(key);
    for (const { waiter } of due) if (--waiter.unmet === 0) this.settle(waiter);
  }

  /** The applied positions of `parts` (default: of every part applied so far), for a request's `after`. */
  snapshot(parts?: readonly Part[]): Positions {
    if (parts === undefined)
      return Object.fromEntries([...this.applied.keys()].map((key) => [key, this.positionOf(key)]));
    return Object.fromEntries(parts.map((part) => [partKey(part), this.position(part)]));
  }

  /**
   * Resolves once every part of `positions` is applied at least that far; rejects with
   * `PositionsNotReached` after `timeoutMs`, or when the node stops first.
   */
  waitFor(positions: Positions, timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.reject(new PositionsNotReached('stopped', this.missing(positions)));
    const short = Object.entries(positions).filter(([key, at]) => this.positionOf(key) < at);
    if (short.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { wanted: positions, unmet: short.length, resolve, reject };
      for (const [key, at] of short) this.enqueue(key, at, waiter);
      waiter.timer = setTimeout(() => this.fail(waiter, 'timeout'), timeoutMs);
    });
  }

  /** Ends every wait (rejected as `stopped`) and any later one at once: nothing waits on a stopped node. */
  stop(): void {
    this.stopped = true;
    const waiters = new Set([...this.waiting.values()].flatMap((queue) => queue.map((w) => w.waiter)));
    for (const waiter of waiters) this.fail(waiter, 'stopped');
  }

  /** How many waits are open (for tests and metrics). */
  get waits(): number {
    return new Set([...this.waiting.values()].flatMap((queue) => queue.map((w) => w.waiter))).size;
  }

  private enqueue(key: string, at: number, waiter: Waiter): void {
    const queue = this.waiting.get(key) ?? [];
    this.waiting.set(key, queue);
    let index = queue.length;
    while (index > 0 && (queue[index - 1] as { at: number }).at > at) index--;
    queue.splice(index, 0, { at, waiter });
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.resolve();
  }

  private fail(waiter: Waiter, reason: PositionsNotReached['reason']): void {
    clearTimeout(waiter.timer);
    for (const [key, queue] of this.waiting) {
      const kept = queue.filter((entry) => entry.waiter !== waiter);
      if (kept.length === 0) this.waiting.delete(key);
      else if (kept.length < queue.length) this.waiting.set(key, kept);
    }
    waiter.reject(new PositionsNotReached(reason, this.missing(waiter.wanted)));
  }

  private missing(positions: Positions): PositionsNotReached['missing'] {
    return Object.fromEntries(
      Object.entries(positions)
        .map(([key, wanted]) => [key, { wanted, applied: this.positionOf(key) }] as const)
        .filter(([, { wanted, applied }]) => applied < wanted),
    );
  }
}
