import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { MIN_UPLOAD_PROGRESS_BYTES, type UploadLimits } from './upload-limits.js';

/** What became of an upload's body. */
export type Received =
  /** The whole body is in the file. */
  | { readonly kind: 'stored'; readonly bytes: number }
  /** The body is larger than allowed; nothing of it is kept. */
  | { readonly kind: 'too large' }
  /** Less than {@link MIN_UPLOAD_PROGRESS_BYTES} arrived in `stallMs`. */
  | { readonly kind: 'stalled' }
  /** The body took longer than `timeLimitMs`. */
  | { readonly kind: 'too long' }
  /** The client went away before the end of its body. */
  | { readonly kind: 'gone' };

/** How far past the size limit an oversized body is still read (to answer it) before it is cut. */
const DRAIN_FACTOR = 4;

/**
 * Streams a request body into `file` (created, mode 0600), never holding more of it in memory than a
 * stream's buffer (PICTURE-7). The request is read no faster than the disk takes it. A body over
 * `maxBytes` is read on and dropped so that the client gets its answer, up to {@link DRAIN_FACTOR}
 * times the limit; the pace limits cut slow bodies off (PICTURE-9). Resolves once the file is closed;
 * only a failing disk rejects.
 */
export function receiveUpload(
  req: IncomingMessage,
  file: string,
  maxBytes: number,
  limits: Pick<UploadLimits, 'stallMs' | 'timeLimitMs'>,
): Promise<Received> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > DRAIN_FACTOR * maxBytes) return Promise.resolve({ kind: 'too large' });
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    let size = 0;
    let progress = 0;
    let outcome: Received | Error | undefined;
    // Settles once the file is closed, so that the caller may delete it at once.
    out.once('close', () => (outcome instanceof Error ? reject(outcome) : resolve(outcome ?? gone)));
    const finish = (result: Received | Error): void => {
      if (outcome !== undefined) return;
      outcome = result;
      clearInterval(stall);
      clearTimeout(deadline);
      req.off('data', onData);
      if (result instanceof Error || result.kind !== 'stored') {
        req.pause();
        out.destroy();
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      progress += chunk.length;
      if (size > DRAIN_FACTOR * maxBytes) return finish({ kind: 'too large' });
      // Past the limit the rest is only read, to be answered at its end.
      if (size > maxBytes || out.write(chunk)) return;
      req.pause();
      out.once('drain', () => req.resume());
    };
    const stall = setInterval(() => {
      if (progress < MIN_UPLOAD_PROGRESS_BYTES) finish({ kind: 'stalled' });
      progress = 0;
    }, limits.stallMs);
    const deadline = setTimeout(() => finish({ kind: 'too long' }), limits.timeLimitMs);
    req.on('data', onData);
    req.once('end', () => {
      if (size > maxBytes) return finish({ kind: 'too large' });
      // The body is all here: only the disk is waited for now.
      clearInterval(stall);
      clearTimeout(deadline);
      out.once('finish', () => finish({ kind: 'stored', bytes: size }));
      out.end();
    });
    req.once('close', () => {
      if (!req.complete) finish(gone);
    });
    out.once('error', finish);
  });
}

const gone: Received = { kind: 'gone' };

/**
 * Empties the folder HTTP uploads are streamed into (creating it, mode 0700). At start no upload is
 * running: whatever is left there was cut off by a crash.
 */
export function prepareUploadFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true, mode: 0o700 });
}
