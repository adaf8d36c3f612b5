import { z } from 'zod';
import { idSchema } from './entities.js';
import { MAX_FRAME_BYTES } from './version.js';

/**
 * Pictures on the wire (PICTURE-1 to PICTURE-6): player and team profile pictures, and proof pictures
 * attached to a team's period. Every upload is decoded and re-encoded by the server; JPEG, PNG and WebP
 * are accepted (decided by decoding, not by a declared type), anything else is PICTURE_PROBLEM.
 */

/** Largest accepted upload, in bytes of the image file (after base64 decoding). */
export const MAX_PICTURE_BYTES = 10 * 1024 * 1024;
/** Largest accepted image, in pixels (width × height), checked before the pixels are decoded. */
export const MAX_PICTURE_PIXELS = 64_000_000;
/** The stored full picture is scaled down (never up) to fit this many pixels on its longer side. */
export const FULL_PICTURE_MAX_SIDE = 4096;
/** Thumbnails are a centred square crop scaled to exactly this size (PICTURE-3). */
export const THUMBNAIL_SIDE = 192;
/** Most ids one `picture.get` may ask for. */
export const MAX_PICTURE_IDS = 100;
/** Largest byte range one `picture.chunk` returns (its base64 stays well inside a frame). */
export const MAX_CHUNK_BYTES = 512 * 1024;
/** Budget for the base64 thumbnails of one `picture.get` page: the response stays inside a frame. */
export const THUMBNAIL_PAGE_BUDGET = MAX_FRAME_BYTES - 128 * 1024;

/**
 * A period holds at most this many proof pictures (PICTURE-10): a team's record, which its broadcasts
 * carry whole, stays small however often a picture is uploaded for it.
 */
export const MAX_PERIOD_PICTURES = 20;
/** What the pictures one player uploaded in the last 24 hours may take in the store (PICTURE-10). */
export const MAX_PLAYER_PICTURE_BYTES_PER_DAY = 1024 * 1024 * 1024;

/** Bytes as MiB for a message: one decimal, none when it is 0 ("9.5", "10"). */
export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');

/** The length of the base64 text of `bytes` bytes. */
export const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);

/** What a picture is uploaded for. */
export const pictureTargetSchema = z.discriminatedUnion('kind', [
  /** A player's profile picture. */
  z.strictObject({ kind: z.literal('player'), player: idSchema }),
  /** A team's profile picture. */
  z.strictObject({ kind: z.literal('team'), team: idSchema }),
  /** A proof picture of a team's period (by index); a catch's two periods both get it. */
  z.strictObject({ kind: z.literal('period'), team: idSchema, period: z.number().int().nonnegative() }),
]);
export type PictureTarget = z.infer<typeof pictureTargetSchema>;

export const PICTURE_KINDS = ['player', 'team', 'proof'] as const;
export const pictureKindSchema = z.enum(PICTURE_KINDS);

const imageInfoSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
  mime: z.string(),
});

/** A picture's metadata. The image bytes are fetched separately (HTTP, `picture.get`, `picture.chunk`). */
export const pictureSchema = imageInfoSchema.extend({
  id: idSchema,
  kind: pictureKindSchema,
  /** The player (kind `player`) or team (kinds `team` and `proof`) the picture belongs to. */
  owner: idSchema,
  /** The period index on the owner team (kind `proof`), else null. */
  period: z.number().int().nullable(),
  /** The session whose players may see it; null for a player picture uploaded outside any session. */
  session: idSchema.nullable(),
  thumb: imageInfoSchema,
  /** The uploading player, or null when a game master uploaded it. */
  uploadedBy: idSchema.nullable(),
  createdAt: z.number(),
});
export type PictureView = z.infer<typeof pictureSchema>;

/**
 * What a background picture job produced: the re-encoded image's metadata. The job has already written
 * the bytes to the store (keyed by their sha-256, PICTURE-4); they never travel with the result.
 */
const processedImageSchema = imageInfoSchema.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type ProcessedImage = z.infer<typeof processedImageSchema>;

export const pictureJobResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), full: processedImageSchema, thumb: processedImageSchema }),
  z.strictObject({
    ok: z.literal(false),
    code: z.enum(['PICTURE_PROBLEM', 'TOO_LARGE', 'PICTURE_LIMIT']),
    message: z.string(),
    /** With PICTURE_LIMIT: which limit, and its numbers. */
    details: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
]);
export type PictureJobResult = z.infer<typeof pictureJobResultSchema>;

/** One page of `picture.get`: metadata and thumbnails of what fit, and what to ask for next. */
export const picturePageSchema = z.object({
  pictures: z.array(pictureSchema.extend({ thumbnail: z.string() })),
  /** Ids that exist and may be seen but did not fit in this page: ask for them again. */
  rest: z.array(idSchema),
  /** Ids that do not exist or that this connection may not see. */
  missing: z.array(idSchema),
});
export type PicturePage = z.infer<typeof picturePageSchema>;

export const pictureVariantSchema = z.enum(['full', 'thumb']);

/** One byte range of a stored picture. */
export const pictureChunkSchema = z.object({
  id: idSchema,
  variant: pictureVariantSchema,
  mime: z.string(),
  /** The whole image's size in bytes. */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** The bytes from `offset`, base64 (empty past the end). */
  data: z.string(),
});
export type PictureChunk = z.infer<typeof pictureChunkSchema>;
