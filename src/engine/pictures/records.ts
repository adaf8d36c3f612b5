import type { PictureView } from '../../protocol/pictures.js';
import type { Actor } from '../handler.js';
import type { EngineState } from '../state.js';

/** The stored description of an image (its bytes are a blob, outside the in-memory state). */
export interface ImageInfo {
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly mime: string;
  readonly sha256: string;
}

/**
 * A picture's metadata, as the engine keeps it in its state (PICTURE-4). The image and its thumbnail are
 * blobs in the store (`blobKey`), written by the picture job before this record and never held in memory.
 */
export interface PictureRecord extends ImageInfo {
  readonly id: number;
  readonly kind: PictureView['kind'];
  /** The player (kind `player`) or team (kinds `team` and `proof`). */
  readonly owner: number;
  /** The period index on the owner team (kind `proof`). */
  readonly period: number | null;
  /** The session whose players may see it (the team's; the player's at upload time). */
  readonly session: number | null;
  readonly thumb: ImageInfo;
  readonly uploadedBy: number | null;
  readonly createdAt: number;
}

export type PictureVariant = 'full' | 'thumb';

/**
 * Where an image's bytes live in the blob store: under their sha-256 (PICTURE-4), so that the picture job
 * can store them before the engine has given the picture its id, and the same bytes are stored once.
 */
export const blobKey = (image: Pick<ImageInfo, 'sha256'>): string => `picture/${image.sha256}`;

/** The blob keys of every picture's bytes (the image and its thumbnail). */
export function* storedBlobKeys(state: EngineState): IterableIterator<string> {
  for (const picture of state.tables.picture.values()) {
    yield blobKey(picture);
    yield blobKey(picture.thumb);
  }
}

export const pictureView = (p: PictureRecord): PictureView => ({
  id: p.id,
  kind: p.kind,
  owner: p.owner,
  period: p.period,
  session: p.session,
  width: p.width,
  height: p.height,
  bytes: p.bytes,
  mime: p.mime,
  thumb: { width: p.thumb.width, height: p.thumb.height, bytes: p.thumb.bytes, mime: p.thumb.mime },
  uploadedBy: p.uploadedBy,
  createdAt: p.createdAt,
});

/**
 * Who may see a picture (PICTURE-6): admins and the engine every one; a player the pictures of their own
 * session, and their own profile pictures; nobody else.
 */
export function mayReadPicture(state: EngineState, actor: Actor, picture: PictureRecord): boolean {
  if (actor.kind === 'admin' || actor.kind === 'system') return true;
  if (actor.kind !== 'player') return false;
  if (picture.kind === 'player' && picture.owner === actor.player) return true;
  const session = state.tables.player.get(actor.player)?.session ?? null;
  if (session === null) return false;
  if (picture.kind === 'player') {
    return state.tables.player.get(picture.owner)?.session === session || picture.session === session;
  }
  return picture.session === session;
}
