import type { StoredBlob } from '../store/store.js';

/**
 * Picture bytes a job has stored and the engine has not recorded yet (PICTURE-4). Identical pictures
 * share a blob, and storing one that is already there keeps it as it is: while such a job waits for its
 * `picture.processed` step, an erasure of the other picture would delete the bytes the new record is
 * about to name. So an erasure leaves the keys held here alone; whatever no record ends up naming is
 * dropped by the store's sweep at the next start.
 */
export class BlobsInFlight {
  private readonly held = new Map<string, number>();

  hold(blobs: readonly Pick<StoredBlob, 'key'>[]): void {
    for (const { key } of blobs) this.held.set(key, (this.held.get(key) ?? 0) + 1);
  }

  release(keys: readonly string[]): void {
    for (const key of keys) {
      const left = (this.held.get(key) ?? 1) - 1;
      if (left === 0) this.held.delete(key);
      else this.held.set(key, left);
    }
  }

  has(key: string): boolean {
    return this.held.has(key);
  }
}
