import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import {
  FULL_PICTURE_MAX_SIDE,
  MAX_PICTURE_BYTES,
  MAX_PICTURE_PIXELS,
  mib,
  THUMBNAIL_SIDE,
  type PictureJobResult,
  type ProcessedImage,
} from '../protocol/pictures.js';

/** A re-encoded image: its metadata and its bytes. */
export interface EncodedImage extends ProcessedImage {
  readonly data: Buffer;
}

/** What processing made of an upload: the picture and its thumbnail, or why it was refused. */
export type ProcessedPicture =
  | { readonly ok: true; readonly full: EncodedImage; readonly thumb: EncodedImage }
  | Extract<PictureJobResult, { ok: false }>;

/** The formats accepted, as sharp names what it decoded (PICTURE-2). */
const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
const FULL_QUALITY = 85;
const THUMB_QUALITY = 80;
/** Transparent pixels become white: the stored pictures are JPEG. */
const BACKGROUND = { r: 255, g: 255, b: 255 };

/**
 * Decodes an uploaded picture — in memory, or a file on disk by its path (an HTTP upload, which is then
 * never read into memory whole) — and re-encodes it (PICTURE-2, PICTURE-3): the image turned
 * upright by its EXIF orientation, scaled down to fit `FULL_PICTURE_MAX_SIDE`, without metadata (no
 * location leaks from a phone's EXIF), as JPEG; and a `THUMBNAIL_SIDE`² thumbnail of its centred square.
 *
 * The work runs on libuv's thread pool (sharp/libvips), beside the engine's event loop. It never throws:
 * anything that is not a readable JPEG, PNG or WebP within the limits is an error result.
 */
export async function processPicture(input: Buffer | string): Promise<ProcessedPicture> {
  const size = typeof input === 'string' ? (await stat(input)).size : input.length;
  if (size > MAX_PICTURE_BYTES) {
    return tooLarge(`The picture is ${mib(size)} MiB; at most ${mib(MAX_PICTURE_BYTES)} MiB are accepted.`);
  }
  if (size === 0) return problem('The picture is empty.');
  // `truncated` refuses cut-off files (the usual corruption) but keeps photos with harmless warnings.
  const options = { failOn: 'truncated', limitInputPixels: MAX_PICTURE_PIXELS } as const;
  let format: string | undefined;
  try {
    // The header is read without the pixel limit, so that a too large picture gets a precise answer.
    const meta = await sharp(input, { ...options, limitInputPixels: false }).metadata();
    format = meta.format;
    if (!ACCEPTED.has(format)) {
      return problem(`Only JPEG, PNG and WebP pictures are accepted; this is ${describe(format)}.`);
    }
    const pixels = meta.width * meta.height;
    if (pixels > MAX_PICTURE_PIXELS) {
      return tooLarge(
        `The picture has ${megapixels(pixels)} megapixels (${meta.width}×${meta.height}); at most ` +
          `${megapixels(MAX_PICTURE_PIXELS)} megapixels are accepted.`,
      );
    }
    const full = await sharp(input, options)
      .rotate()
      .resize({
        width: FULL_PICTURE_MAX_SIDE,
        height: FULL_PICTURE_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: BACKGROUND })
      .jpeg({ quality: FULL_QUALITY })
      .toBuffer({ resolveWithObject: true });
    // The thumbnail comes from the (already upright, smaller) full picture.
    const thumb = await sharp(full.data)
      .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'cover', position: 'centre' })
      .jpeg({ quality: THUMB_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return { ok: true, full: encoded(full), thumb: encoded(thumb) };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/pixel limit/i.test(message)) {
      return tooLarge(`The picture has more than ${megapixels(MAX_PICTURE_PIXELS)} megapixels.`);
    }
    if (format === undefined || /unsupported image format/i.test(message)) {
      return problem('The file is not a picture the server can read (JPEG, PNG or WebP).');
    }
    return problem(
      `The ${describe(format)} picture is damaged or incomplete and cannot be decoded (${message}).`,
    );
  }
}

function encoded({ data, info }: { data: Buffer; info: OutputInfo }): EncodedImage {
  return {
    width: info.width,
    height: info.height,
    bytes: data.length,
    mime: 'image/jpeg',
    sha256: createHash('sha256').update(data).digest('hex'),
    data,
  };
}

const problem = (message: string): ProcessedPicture => ({ ok: false, code: 'PICTURE_PROBLEM', message });
const tooLarge = (message: string): ProcessedPicture => ({ ok: false, code: 'TOO_LARGE', message });
const megapixels = (pixels: number): string => (pixels / 1_000_000).toFixed(1).replace(/\.0$/, '');
const describe = (format: string): string =>
  format === 'jpeg'
    ? 'JPEG'
    : format === 'png' || format === 'gif' || format === 'svg'
      ? format.toUpperCase()
      : format === 'webp'
        ? 'WebP'
        : `a ${format} image`;
