import { PICTURE_JOB, PICTURE_READ_JOB, type PictureReadJobInput } from '../engine/handlers/pictures.js';
import type { Command } from '../protocol/commands/index.js';
import type { BlobSource } from '../store/store.js';
import type { JobRunners } from './jobs.js';
import { processPicture } from './picture-process.js';

/** How many pictures are decoded at once (each can take hundreds of MB while it is worked on). */
const PICTURE_CONCURRENCY = 2;

/**
 * The background jobs of pictures (PICTURE-3), run by the runtime beside the engine:
 * - `picture`: decode, check and re-encode an upload (sharp, on libuv's thread pool); the result comes
 *   back as `picture.processed`, which the engine stores (metadata in the state, bytes as blobs).
 * - `picture.read`: read blob bytes for `picture.get`/`picture.chunk` after the engine decided what the
 *   requester may see; the bytes come back as `picture.read` and are answered as they are.
 * Neither writes anything: the engine stays the only writer of the store.
 */
export function pictureJobs(
  store: BlobSource,
): Pick<JobRunners, typeof PICTURE_JOB | typeof PICTURE_READ_JOB> {
  const limit = concurrencyLimit(PICTURE_CONCURRENCY);
  return {
    [PICTURE_JOB]: (job) =>
      limit(async (): Promise<Command> => {
        const result = await processPicture(Buffer.from(job.data, 'base64'));
        return { type: 'picture.processed', target: job.target, uploadedBy: job.uploadedBy, result };
      }),
    // Reads run after the engine's turn (not inside it), one blob at a time.
    [PICTURE_READ_JOB]: (job) =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(readPictures(store, job));
          } catch (cause) {
            reject(cause instanceof Error ? cause : new Error(String(cause)));
          }
        }),
      ),
  };
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
