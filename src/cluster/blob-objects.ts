import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import type { CommitRows } from '../store/commit-rows.js';
import { blobDeleteStatement } from '../store/privacy-sql.js';
import type { StoredBlob } from '../store/store.js';
import { setUpPatiently } from './jetstream-errors.js';
import { sweepLeftoverChunks, type SweptLeftovers } from './leftover-chunks.js';

/** The JetStream object store holding every picture's bytes in a cluster, under the blob's content key. */
export const BLOB_BUCKET = 'truinlag_blobs';
/** Bytes per message of an object: NATS caps it at the server's max_payload (1 MiB by default) anyway. */
const CHUNK_BYTES = 1024 * 1024;

/** The SQL of a blob delete in a commit's statements (PRIVACY-1, PRIVACY-2): how an erasure names its keys. */
const BLOB_DELETE_SQL = blobDeleteStatement('')[0];

/** The keys of the blobs a commit's statements delete. */
export function deletedBlobKeys(rows: CommitRows): string[] {
  const keys: string[] = [];
  for (const [sql, params] of rows.statements ?? [])
    if (sql === BLOB_DELETE_SQL && typeof params.key === 'string') keys.push(params.key);
  return keys;
}

/**
 * Picture bytes replicated through JetStream (CLUSTER-9): the owner puts each blob here before it stores
 * it locally, standbys fetch what their copy lacks, and a committed erasure deletes it here too. Keys
 * are content hashes (PICTURE-4), so an object under a key never changes.
 */
export class BlobObjects {
  private constructor(
    private readonly objects: ObjectStore,
    private readonly jsm: JetStreamManager,
  ) {}

  /** Opens the bucket, creating it when missing: file storage, `replicas` copies (as the batch log). */
  static async open(js: JetStreamClient, replicas: number): Promise<BlobObjects> {
    const objects = await setUpPatiently(() =>
      new Objm(js).create(BLOB_BUCKET, { storage: StorageType.File, replicas }),
    );
    return new BlobObjects(objects, await setUpPatiently(() => js.jetstreamManager()));
  }

  /**
   * Stores a blob; resolves once a quorum of the bucket's servers holds all of it. A blob already there
   * is kept as it is (same key, same bytes): a re-put would purge the chunks a standby may be reading.
   */
  async put(blob: StoredBlob): Promise<void> {
    const there = await this.objects.info(blob.key);
    if (there !== null && !there.deleted && there.size === blob.bytes.length) return;
    await this.objects.putBlob(
      {
        name: blob.key,
        metadata: { mime: blob.mime, sha256: blob.sha256 },
        options: { max_chunk_size: CHUNK_BYTES },
      },
      blob.bytes,
    );
  }

  /** The blob under `key`, or undefined when the bucket has none (never stored, or deleted). */
  async get(key: string): Promise<StoredBlob | undefined> {
    const info = await this.objects.info(key);
    if (info === null || info.deleted) return undefined;
    const bytes = await this.objects.getBlob(key);
    if (bytes === null) return undefined;
    const { mime, sha256 } = info.metadata ?? {};
    if (mime === undefined || sha256 === undefined) throw new Error(`The blob ${key} has no type or hash.`);
    return { key, mime, sha256, bytes };
  }

  /** Deletes the blob under `key` (its chunks are purged); nothing happens when there is none. */
  async delete(key: string): Promise<void> {
    await this.objects.delete(key);
  }

  /** The keys of every blob the bucket holds. */
  async keys(): Promise<string[]> {
    return (await this.objects.list()).filter((info) => !info.deleted).map((info) => info.name);
  }

  /**
   * Purges the chunks of puts cut off by a kill (CLUSTER-14): those no live blob names, whose newest chunk
   * is older than `graceMs`. The ids in use are read before the chunks are listed, so a put that finishes
   * in between is among the recent ones.
   */
  async sweepLeftovers(graceMs: number): Promise<SweptLeftovers> {
    const inUse = new Set((await this.objects.list()).map((info) => info.nuid));
    return sweepLeftoverChunks(this.jsm, BLOB_BUCKET, inUse, graceMs);
  }
}
