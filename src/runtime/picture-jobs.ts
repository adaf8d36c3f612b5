import { join } from 'node:path';
import {
  PICTURE_JOB,
  PICTURE_READ_JOB,
  type PictureReadJobInput,
  type PictureSource,
} from '../engine/handlers/pictures.js';
import { blobKey } from '../engine/pictures/records.js';
import type { Command } from '../protocol/commands/index.js';
import { mib, type PictureJobResult } from '../protocol/pictures.js';
import type { BlobSource, StoredBlob } from '../store/store.js';
import type { JobRunners } from './jobs.js';
import type { EncodedImage, ProcessedPicture } from './picture-process.js';

/** How many pictures are decoded at once (each can take hundreds of MB while it is worked on). */
const PICTURE_CONCURRENCY = 2;

/** What the picture jobs work with. */
export interface PictureJobServices {
  /** Where blob bytes are read. */
  readonly store: BlobSource;
  /** Where processed bytes are stored (the store's writer: its own transaction, off the engine's loop). */
  readonly storeBlobs: (blobs: readonly StoredBlob[]) => Promise<void>;
  /** The folder of HTTP uploads (PICTURE-7). */
  readonly uploads: string;
  /** Bytes free for the store on its disk now (PICTURE-10). */
  readonly freeDiskBytes: () => number;
  /** The free space a picture may not take: what the game's own writes keep (PICTURE-10). */
  readonly diskReserveBytes: number;
}

/**
 * The background jobs of pictures (PICTURE-3, PICTURE-4), run by the runtime beside the engine:
 * - `picture`: decode, check and re-encode an upload (sharp, on libuv's thread pool), store the bytes of
 *   the picture and its thumbnail, and bring the metadata back as `picture.processed`, which the engine
 *   records. The bytes never pass through the engine's loop, its commits or its journal.
 * - `picture.read`: read blob bytes for `picture.get`/`picture.chunk` after the engine decided what the
 *   requester may see; the bytes come back as `picture.read` and are answered as they are.
 */
export function pictureJobs(
  services: PictureJobServices,
): Pick<JobRunners, typeof PICTURE_JOB | typeof PICTURE_READ_JOB> {
  const limit = concurrencyLimit(PICTURE_CONCURRENCY);
  return {
    [PICTURE_JOB]: (job) =>
      limit(async (): Promise<Command> => {
        // sharp (libvips) loads with the first picture, not with the server: most starts never need it.
        const { processPicture } = await import('./picture-process.js');
        const processed = await processPicture(inputOf(services, job.source));
        const result = await stored(services, processed);
        return { type: 'picture.processed', target: job.target, uploadedBy: job.uploadedBy, result };
      }),
    // Reads run after the engine's turn (not inside it), one blob at a time.
    [PICTURE_READ_JOB]: (job) =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(readPictures(services.store, job));
          } catch (cause) {
            reject(cause instanceof Error ? cause : new Error(String(cause)));
          }
        }),
      ),
  };
}

/** The upload as processing reads it: the bytes of a protocol upload, the path of an HTTP one. */
function inputOf(services: PictureJobServices, source: PictureSource): Buffer | string {
  return source.kind === 'data' ? Buffer.from(source.data, 'base64') : join(services.uploads, source.upload);
}

/** Stores an accepted picture's bytes (durably, before the engine records it) and returns its metadata. */
async function stored(services: PictureJobServices, processed: ProcessedPicture): Promise<PictureJobResult> {
  if (!processed.ok) return processed;
  const { full, thumb } = processed;
  const refused = diskRefusal(services, full.data.length + thumb.data.length);
  if (refused !== undefined) return refused;
  await services.storeBlobs([blobOf(full), blobOf(thumb)]);
  return { ok: true, full: metadata(full), thumb: metadata(thumb) };
}

/**
 * PICTURE-10: a picture is not stored where it would leave less free disk than the reserve, so that
 * pictures never take the space the game's commits need (checked here, where the bytes' size is known).
 */
function diskRefusal(services: PictureJobServices, bytes: number): PictureJobResult | undefined {
  const freeBytes = services.freeDiskBytes();
  const reserveBytes = services.diskReserveBytes;
  if (freeBytes - bytes >= reserveBytes) return undefined;
  return {
    ok: false,
    code: 'PICTURE_LIMIT',
    message:
      `The server keeps ${mib(reserveBytes)} MiB of its disk free for the game, and ${mib(freeBytes)} MiB ` +
      'are free: no more pictures are stored until the game master makes room.',
    details: { limit: 'disk', freeBytes, reserveBytes },
  };
}

const blobOf = (image: EncodedImage): StoredBlob => ({
  key: blobKey(image),
  mime: image.mime,
  sha256: image.sha256,
  bytes: image.data,
});

function metadata({ data: _data, ...info }: EncodedImage): Omit<EncodedImage, 'data'> {
  return info;
}

function readPictures(store: BlobSource, job: PictureReadJobInput): Command {
  if (job.kind === 'chunk') {
    const bytes = store.readBlob(job.key, job.offset, job.length);
    if (bytes === undefined) return { type: 'picture.read', result: { kind: 'missing', id: job.id } };
    const { key: _key, length: _length, ...chunk } = job;
    return {
      type: 'picture.read',
      result: { kind: 'chunk', chunk: { ...chunk, data: bytes.toString('base64') } },
    };
  }
  const pictures = [];
  for (const { key, ...view } of job.pictures) {
    const thumbnail = store.readBlob(key, 0, view.thumb.bytes);
    if (thumbnail === undefined) return { type: 'picture.read', result: { kind: 'missing', id: view.id } };
    pictures.push({ ...view, thumbnail: thumbnail.toString('base64') });
  }
  return {
    type: 'picture.read',
    result: { kind: 'page', page: { pictures, rest: [...job.rest], missing: [...job.missing] } },
  };
}

/** Runs at most `n` of the given tasks at a time, the others in arrival order. */
function concurrencyLimit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
