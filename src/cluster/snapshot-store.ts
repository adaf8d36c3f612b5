import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { PRIVATE_FILE_MODE } from '../store/data-dir.js';
import { setUpPatiently } from './jetstream-errors.js';
import { sweepLeftoverChunks, type SweptLeftovers } from './leftover-chunks.js';
import type { SnapshotRef } from './snapshot-policy.js';

/** The object store bucket of the engine's snapshots (CLUSTER-8). */
export const SNAPSHOT_BUCKET = 'truinlag_snapshots';
/**
 * Snapshot names: this prefix and the log position the copy holds. Per-session ownership (not built yet)
 * would name each session's snapshots `session.<id>.<position>` beside them.
 */
const ENGINE_PREFIX = 'engine.';
/** How long one chunk's upload may wait for its acknowledgement (ms). */
const CHUNK_TIMEOUT_MS = 30_000;
/**
 * How long a download may wait for its next chunk (ms). A snapshot deleted while it is read (its owner
 * keeps two, and a newer one came twice meanwhile) never ends: its chunks are gone, and the read would
 * wait for them for ever. The node then tries an older snapshot, or starts over and lists them again.
 */
const CHUNK_STALL_MS = 10_000;

/** A stored snapshot: its name, the log position its copy holds, and its size in bytes. */
export interface StoredSnapshot extends SnapshotRef {
  readonly size: number;
}

/**
 * The engine's snapshots in a JetStream object store: SQLite copies of a node's store, each named by the
 * log position it holds. JetStream chunks each file, replicates it like the log and checks its SHA-256
 * digest on the way back.
 */
export class SnapshotStore {
  private constructor(
    private readonly bucket: ObjectStore,
    private readonly jsm: JetStreamManager,
  ) {}

  /** Opens the bucket, creating it when missing: file storage, `replicas` copies (as the log). */
  static async open(js: JetStreamClient, replicas: number): Promise<SnapshotStore> {
    const bucket = await setUpPatiently(() =>
      new Objm(js).create(SNAPSHOT_BUCKET, { storage: StorageType.File, replicas }),
    );
    return new SnapshotStore(bucket, await setUpPatiently(() => js.jetstreamManager()));
  }

  /** The engine's snapshots in the bucket, newest (highest position) first. */
  async list(): Promise<StoredSnapshot[]> {
    const snapshots: StoredSnapshot[] = [];
    for (const info of await this.bucket.list()) {
      const position = Number(info.name.slice(ENGINE_PREFIX.length));
      if (info.name.startsWith(ENGINE_PREFIX) && Number.isInteger(position) && position > 0)
        snapshots.push({ name: info.name, position, size: info.size });
    }
    return snapshots.sort((a, b) => b.position - a.position);
  }

  /** Uploads the copy in `file`, which holds log position `position`, streaming it from disk. */
  async put(file: string, position: number): Promise<StoredSnapshot> {
    const data = Readable.toWeb(createReadStream(file)) as WebReadableStream<Uint8Array>;
    const info = await this.bucket.put(
      { name: `${ENGINE_PREFIX}${position}`, description: `truinlag store at log position ${position}` },
      data as unknown as ReadableStream<Uint8Array>,
      { timeout: CHUNK_TIMEOUT_MS },
    );
    return { name: info.name, position, size: info.size };
  }

  /** Downloads a snapshot into `file` (private to this user); rejects when its digest does not match. */
  async download(snapshot: SnapshotRef, file: string): Promise<void> {
    const result = await this.bucket.get(snapshot.name);
    if (result === null) throw new Error(`Snapshot ${snapshot.name} is gone from the bucket.`);
    const data = Readable.fromWeb(result.data as unknown as WebReadableStream<Uint8Array>);
    const stalled = new StallWatch(`Snapshot ${snapshot.name} stopped arriving (deleted while read?).`);
    try {
      await pipeline(data, stalled.through(), createWriteStream(file, { mode: PRIVATE_FILE_MODE }), {
        signal: stalled.signal,
      });
    } catch (error) {
      throw stalled.signal.aborted ? stalled.reason : error;
    } finally {
      stalled.stop();
    }
    // Rejects when the bytes read do not match the object's digest.
    await result.error;
  }

  async delete(snapshot: SnapshotRef): Promise<void> {
    await this.bucket.delete(snapshot.name);
  }

  /**
   * Purges the chunks of uploads cut off by a kill (CLUSTER-14): those no object in the bucket names, whose
   * newest chunk is older than `graceMs`. The ids in use are read before the chunks are listed, so an
   * upload that finishes in between is among the recent ones.
   */
  async sweepLeftovers(graceMs: number): Promise<SweptLeftovers> {
    const inUse = new Set((await this.bucket.list()).map((info) => info.nuid));
    return sweepLeftoverChunks(this.jsm, SNAPSHOT_BUCKET, inUse, graceMs);
  }
}

/** Aborts a stream pipeline when no chunk went through it for `CHUNK_STALL_MS`. */
class StallWatch {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly message: string) {
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the pipeline was aborted (the stream's own error says only that it was). */
  get reason(): Error {
    return new Error(this.message);
  }

  /** A pass-through stage that re-arms the watch with each chunk. */
  through(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.arm();
        done(null, chunk);
      },
    });
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(), CHUNK_STALL_MS);
  }
}
