/**
 * How the mailbox treats an item: `express` items (cheap reads) are taken before the others, unless their
 * connection (`from`) already has an ordinary item waiting, whose order they must keep.
 */
export interface Lanes<T> {
  readonly express: (item: T) => boolean;
  readonly from: (item: T) => string | undefined;
}

const ONE_LANE: Lanes<unknown> = { express: () => false, from: () => undefined };

/**
 * The engine's single inbound queue. Posting never blocks: it schedules a turn on a later tick, after
 * pending I/O, so that the turn takes everything that arrived meanwhile (the batching that group commit
 * feeds on). What a turn leaves behind is taken by another turn, again after pending I/O, so that one
 * big burst cannot starve other connections.
 *
 * Items of different connections that wait here together were sent concurrently (none of them has seen
 * another's effect), so any order between connections is a valid one; only each connection's own order
 * is kept. That lets an express item (a text-less ping) be stepped ahead of a turn's writes rather than
 * behind them (PROTOCOL-8).
 */
export class Mailbox<T> {
  private readonly expressItems: T[] = [];
  private readonly items: T[] = [];
  /** Per connection, how many of its items wait in the ordinary lane. */
  private readonly ordinary = new Map<string, number>();
  private scheduled = false;

  /** `turn` takes items with `take` (as many as it wants); it runs only while items are queued. */
  constructor(
    private readonly turn: () => void,
    private readonly lanes: Lanes<T> = ONE_LANE,
  ) {}

  get size(): number {
    return this.expressItems.length + this.items.length;
  }

  post(item: T): void {
    const from = this.lanes.from(item);
    const waiting = from === undefined ? 0 : (this.ordinary.get(from) ?? 0);
    if (waiting === 0 && this.lanes.express(item)) this.expressItems.push(item);
    else {
      this.items.push(item);
      if (from !== undefined) this.ordinary.set(from, waiting + 1);
    }
    this.schedule();
  }

  /** The next item to step, removed from the queue: the oldest express one, else the oldest. */
  take(): T | undefined {
    const express = this.expressItems.shift();
    if (express !== undefined) return express;
    const item = this.items.shift();
    const from = item === undefined ? undefined : this.lanes.from(item);
    if (from !== undefined) {
      const left = (this.ordinary.get(from) ?? 1) - 1;
      if (left === 0) this.ordinary.delete(from);
      else this.ordinary.set(from, left);
    }
    return item;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // Another caller (a shutdown draining the queue) may have taken everything meanwhile.
      if (this.size === 0) return;
      this.turn();
      if (this.size > 0) this.schedule();
    });
  }
}
