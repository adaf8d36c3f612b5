import type { AnsweredKey } from '../store/store.js';
import { AnsweredFilter } from './answered-filter.js';

/** One page of the store's kept answer keys after `after` (the store's `answeredKeysAfter`). */
export type AnsweredKeyPages = (after: AnsweredKey | undefined, limit: number) => AnsweredKey[];

/** Keys read per page: a few milliseconds of work, so that turns waiting in between are not held up. */
const PAGE_SIZE = 5_000;

/**
 * Which request ids may already have been answered (IDEMPOTENCY-1): a Bloom filter of the kept answers'
 * keys, so that the loop asks the store only about those. After a restart the filter is filled from the
 * store in pages between turns instead of before the first answer (a full day keeps some 200,000 answers);
 * until it is full it says "maybe" for every id, which only costs each request a store look-up.
 */
export class AnsweredIndex {
  private readonly filter = new AnsweredFilter();
  private complete = false;

  /** Remembers a key answered now. */
  add(key: string): void {
    this.filter.add(key);
  }

  /** False only when the key was never answered; true when it may have been. */
  mayContain(key: string): boolean {
    return !this.complete || this.filter.mayContain(key);
  }

  /**
   * Reads every kept key from the store, a page per event-loop turn, and then stops answering "maybe" for
   * all. Resolves when done, or early (still incomplete) once `stopped` says so, so that the store can close.
   */
  async fill(
    pages: AnsweredKeyPages,
    keyOf: (key: AnsweredKey) => string,
    stopped: () => boolean,
  ): Promise<void> {
    let after: AnsweredKey | undefined;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stopped()) return;
      const page = pages(after, PAGE_SIZE);
      for (const key of page) this.filter.add(keyOf(key));
      after = page.at(-1);
      if (page.length < PAGE_SIZE) break;
    }
    this.complete = true;
  }
}
