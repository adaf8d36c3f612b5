/**
 * The engine's single inbound queue. Posting never blocks: it schedules a turn on a later tick, after
 * pending I/O, so that the turn takes everything that arrived meanwhile (the batching that group commit
 * feeds on). What a turn leaves behind is taken by another turn, again after pending I/O, so that one
 * big burst cannot starve other connections.
 */
export class Mailbox<T> {
  private readonly items: T[] = [];
  private scheduled = false;

  /** `turn` takes items with `take` (as many as it wants); it runs only while items are queued. */
  constructor(private readonly turn: () => void) {}

  get size(): number {
    return this.items.length;
  }

  post(item: T): void {
    this.items.push(item);
    this.schedule();
  }

  /** The oldest queued item, removed from the queue. */
  take(): T | undefined {
    return this.items.shift();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // Another caller (a shutdown draining the queue) may have taken everything meanwhile.
      if (this.items.length === 0) return;
      this.turn();
      if (this.items.length > 0) this.schedule();
    });
  }
}
