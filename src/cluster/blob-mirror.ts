import type { Logger } from 'pino';
import { blobKey, type PictureRecord } from '../engine/pictures/records.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { StoredBlob } from '../store/store.js';
import type { BlobObjects } from './blob-objects.js';

/** The blob keys of every picture in a store, each with its picture's id. */
function namedBlobs(store: SqliteStore): { id: number; keys: string[] }[] {
  return Array.from(store.recordsAfter('picture', 0), ({ id, doc }) => {
    const picture = doc as PictureRecord;
    return { id, keys: [blobKey(picture), blobKey(picture.thumb)] };
  });
}

/**
 * A standby's picture bytes (CLUSTER-9). After each catch-up, and once more before it serves after a
 * takeover, the blobs that its copy's picture records name and that it lacks are fetched from the object
 * store into its SQLite copy. The picture job stores the bytes in the object store before the engine
 * records the picture, so they are there when the record arrives. Only blobs a record names are fetched,
 * and never beside a catch-up: once an erasure's batch is applied, nothing names its blobs any more, so a
 * deleted blob is never brought back.
 */
export class BlobMirror {
  /**
   * The pictures whose bytes are here: pictures never change (PICTURE-4) and ids never return. A set, not
   * the highest id checked: per-session ids (CLUSTER-16) do not grow across sessions, so a picture of
   * session 1 recorded after one of session 2 has the smaller id.
   */
  private readonly checked = new Set<number>();

  constructor(
    /** The copy's store as it is now (a loaded snapshot replaces it). */
    private readonly copy: () => SqliteStore,
    private readonly objects: BlobObjects,
    /** Stores fetched blobs in the copy (the replica's writer, behind the batches it applied). */
    private readonly storeBlobs: (blobs: readonly StoredBlob[]) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Fetches the blobs the copy's pictures name and it lacks; resolves with how many it stored. */
  async fetchMissing(): Promise<number> {
    let fetched = 0;
    for (const { id, keys } of namedBlobs(this.copy())) {
      if (this.checked.has(id)) continue;
      for (const key of keys.filter((k) => this.copy().blobInfo(k) === undefined)) {
        const blob = await this.objects.get(key);
        if (blob === undefined) {
          // Bytes stored before the cluster replicated them: no node has them to give.
          this.logger.warn({ key, picture: id }, 'picture bytes missing from the cluster');
          continue;
        }
        await this.storeBlobs([blob]);
        fetched++;
      }
      this.checked.add(id);
    }
    return fetched;
  }

  /**
   * A new owner's last look before it serves: every blob its copy's pictures name is fetched (a failure
   * fails the takeover, which is tried again), then the objects no picture names are deleted (a failure
   * there is only logged: the next owner tries again).
   */
  async beforeServing(): Promise<void> {
    await this.fetchMissing();
    try {
      const dropped = await this.dropUnnamed();
      if (dropped > 0)
        this.logger.info({ blobs: dropped }, 'dropped picture bytes no picture names from the cluster');
    } catch (error) {
      this.logger.warn({ err: error }, 'picture bytes no picture names not dropped from the cluster');
    }
  }

  /**
   * Deletes the objects no picture of the copy names: bytes of an upload the engine refused, of a crash
   * between a picture job and its record, or of an erasure whose delete did not reach the cluster (the
   * local store drops the same at start: PICTURE-4). Run by a new owner before it serves, when no picture
   * job runs anywhere.
   */
  async dropUnnamed(): Promise<number> {
    const named = new Set(namedBlobs(this.copy()).flatMap((picture) => picture.keys));
    const unnamed = (await this.objects.keys()).filter((key) => !named.has(key));
    for (const key of unnamed) await this.objects.delete(key);
    return unnamed.length;
  }
}
