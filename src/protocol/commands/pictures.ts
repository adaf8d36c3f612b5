import { z } from 'zod';
import { defineCommand } from '../define.js';
import { idSchema } from '../entities.js';
import {
  base64Length,
  MAX_CHUNK_BYTES,
  MAX_PICTURE_BYTES,
  MAX_PICTURE_IDS,
  pictureChunkSchema,
  pictureJobResultSchema,
  picturePageSchema,
  pictureSchema,
  pictureTargetSchema,
  pictureVariantSchema,
} from '../pictures.js';

/** Pictures (PICTURE-1). Large uploads and full images go over HTTP (docs/protocol.md, "Pictures"). */

export const pictureUpload = defineCommand({
  type: 'picture.upload',
  summary:
    'Uploads a picture (base64; JPEG, PNG or WebP) for a player, a team or a team period; answers when it ' +
    'is stored. Players upload for themselves and their own team only. Over WebSocket the frame limit ' +
    'bounds the size: larger pictures go through `POST /pictures`.',
  scope: 'global',
  access: 'player',
  params: {
    target: pictureTargetSchema,
    data: z.string().min(1).max(base64Length(MAX_PICTURE_BYTES)),
  },
  result: pictureSchema,
});

/**
 * Internal: an HTTP upload's body is on disk (PICTURE-7). The HTTP side vouches for the uploader (its token
 * was checked there); the engine checks the target as for `picture.upload` and starts the job on the file.
 */
export const pictureReceived = defineCommand({
  type: 'picture.received',
  summary: 'An HTTP upload arrived (sent by the HTTP side).',
  scope: 'global',
  access: 'internal',
  params: {
    target: pictureTargetSchema,
    /** The uploading player, or null for an admin. */
    uploadedBy: idSchema.nullable(),
    /** The upload's file name in the data directory's uploads folder. */
    upload: z.uuid(),
  },
  result: pictureSchema,
});

/** Internal: a picture job's result, stored by the engine and answered to the uploader. */
export const pictureProcessed = defineCommand({
  type: 'picture.processed',
  summary: 'A picture job finished (sent by the runtime).',
  scope: 'global',
  access: 'internal',
  params: {
    target: pictureTargetSchema,
    uploadedBy: idSchema.nullable(),
    result: pictureJobResultSchema,
  },
  result: pictureSchema,
});

export const pictureGet = defineCommand({
  type: 'picture.get',
  summary:
    'Metadata and thumbnails (base64 JPEG) of pictures by id, in request order, as many as fit in one ' +
    'frame; `rest` lists the ids to ask for next, `missing` the unknown or invisible ones.',
  scope: 'global',
  access: 'player',
  params: { ids: z.array(idSchema).min(1).max(MAX_PICTURE_IDS) },
  result: picturePageSchema,
});

export const pictureChunk = defineCommand({
  type: 'picture.chunk',
  summary: `A byte range (at most ${MAX_CHUNK_BYTES} bytes) of a stored picture or its thumbnail, base64.`,
  scope: 'global',
  access: 'player',
  params: {
    id: idSchema,
    variant: pictureVariantSchema.default('full'),
    offset: z.number().int().nonnegative().default(0),
    length: z.number().int().positive().max(MAX_CHUNK_BYTES).default(MAX_CHUNK_BYTES),
  },
  result: pictureChunkSchema,
});

/** Internal: what a blob-reading job read for `picture.get` or `picture.chunk`, answered as is. */
export const pictureRead = defineCommand({
  type: 'picture.read',
  summary: 'A picture read job finished (sent by the runtime).',
  scope: 'global',
  access: 'internal',
  params: {
    result: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('page'), page: picturePageSchema }),
      z.strictObject({ kind: z.literal('chunk'), chunk: pictureChunkSchema }),
      z.strictObject({ kind: z.literal('missing'), id: idSchema }),
    ]),
  },
  result: z.union([picturePageSchema, pictureChunkSchema]),
});
