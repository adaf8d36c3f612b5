/** A budget: up to `burst` units at once, refilled at `perSecond` units per second. */
export interface Budget {
  readonly burst: number;
  readonly perSecond: number;
}

/** A monotonic clock in milliseconds: the edge's own, since limits are about real time, not game time. */
export type Millis = () => number;

/**
 * A token bucket that may go into debt: a request is let in while the bucket holds a whole unit and then
 * pays its whole cost, even if that is more than is left. A large frame therefore passes once and its
 * cost keeps the sender waiting afterwards, so the check can be made before the frame is read, at no cost.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly budget: Budget,
    private readonly now: Millis,
  ) {
    this.tokens = budget.burst;
    this.updated = now();
  }

  /** Milliseconds until the bucket holds a whole unit again: 0 if a request may pass now. */
  waitMs(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.budget.perSecond) * 1000);
  }

  /** Pays `cost` units (the bucket may go into debt). */
  take(cost: number): void {
    this.refill();
    this.tokens -= cost;
  }

  /** Gives `units` back (never above the burst). */
  refund(units: number): void {
    this.refill();
    this.tokens = Math.min(this.budget.burst, this.tokens + units);
  }

  /** Whether the bucket is full again: it then remembers nothing, and a keyed set may forget it. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.budget.burst;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.updated;
    this.updated = now;
    if (elapsed > 0)
      this.tokens = Math.min(this.budget.burst, this.tokens + (elapsed / 1000) * this.budget.perSecond);
  }
}

/** How often a keyed set looks for full buckets to forget, in uses. */
const SWEEP_EVERY = 1_000;

/**
 * Token buckets by key (an address, a passphrase digest). A full bucket is the same as no bucket, so
 * full ones are forgotten now and then: the set stays as small as the number of keys that were busy
 * lately, however many keys an attacker makes up.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private uses = 0;

  constructor(
    private readonly budget: Budget,
    private readonly now: Millis,
  ) {}

  get(key: string): TokenBucket {
    if (++this.uses % SWEEP_EVERY === 0) this.sweep();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.budget, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** How many keys are remembered (for tests of the sweep). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}
