import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import type { Actor } from '../engine/handler.js';
import { blobKey, mayReadPicture, type PictureVariant } from '../engine/pictures/records.js';
import { encodeHttpResult } from '../protocol/encode.js';
import { requestIdSchema, responseSchema } from '../protocol/envelope.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import { MAX_PICTURE_BYTES, type PictureTarget } from '../protocol/pictures.js';
import type { Runtime } from '../runtime/runtime.js';
import { actorOfToken } from '../runtime/tokens.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { BlobSource } from '../store/store.js';
import { requestEngine } from './engine-request.js';
import { jsonAnswer, methodNotAllowed, refusal, unauthorised, type HttpEnv } from './http-answers.js';
import { receiveUpload, type Received } from './upload-body.js';
import { UPLOAD_RETRY_AFTER_S, UploadSlots, type UploadLimits } from './upload-limits.js';

export interface PictureRouteServices {
  readonly runtime: Runtime;
  readonly store: SqliteStore;
  readonly adminToken: string;
  readonly logger: Logger;
  /** The folder HTTP uploads are streamed into (emptied at start: see prepareUploadFolder). */
  readonly uploadFolder: string;
  readonly uploadLimits: UploadLimits;
}

/** How long an upload may wait for the engine's answer before the HTTP request gives up (504). */
const UPLOAD_TIMEOUT_MS = 120_000;
/** Bytes read from the store per step of a download. */
const DOWNLOAD_CHUNK_BYTES = 256 * 1024;
const ID = '[1-9][0-9]{0,15}';

/**
 * The HTTP side of pictures (PICTURE-1, docs/protocol.md "Pictures"), mounted at `/pictures`:
 *
 * - `POST /pictures?kind=player&player=ID | kind=team&team=ID | kind=period&team=ID&period=N` with the
 *   image file as the body. The body is streamed to a temporary file (PICTURE-7) within the upload limits
 *   (PICTURE-8, PICTURE-9); the engine then gets `picture.received`, checks the target as the token's
 *   admin or player and has the file processed beside it. The answer comes when the picture is stored:
 *   `{"ok":true,"result":<picture>}` or `{"ok":false,"error":{…}}`. An `Idempotency-Key` header makes a
 *   retried upload return the first answer, not store the picture twice (IDEMPOTENCY-3).
 * - `GET /pictures/:id` and `GET /pictures/:id/thumb`: the stored JPEG, streamed from the store, for
 *   admins and the players who may see it.
 *
 * Every request needs a token as `Authorization: Bearer <token>` (the admin token or a player token from
 * `auth.login`); a `?token=` in the URL is refused.
 */
export function pictureRoutes(services: PictureRouteServices): Hono<HttpEnv> {
  const slots = new UploadSlots(services.uploadLimits);
  const routes = new Hono<HttpEnv>();
  routes.post('/', (c) => upload(services, slots, c));
  routes.all('/', () => methodNotAllowed('POST'));
  routes.get(`/:id{${ID}}`, (c) => download(services, c, 'full'));
  routes.get(`/:id{${ID}}/thumb`, (c) => download(services, c, 'thumb'));
  for (const path of [`/:id{${ID}}`, `/:id{${ID}}/thumb`])
    routes.all(path, () => methodNotAllowed('GET, HEAD'));
  return routes;
}

async function upload(
  services: PictureRouteServices,
  slots: UploadSlots,
  c: Context<HttpEnv>,
): Promise<Response> {
  const url = new URL(c.req.url);
  // Refusals before the body is read close the connection: what the client still sends is not read.
  const early = { headers: { connection: 'close' } };
  const actor = authenticate(services, c, url);
  if ('code' in actor) return refusal(actor, { ...early, status: 401 });
  const target = targetOf(url.searchParams);
  if ('code' in target) return refusal(target, early);
  const requestId = c.req.header('idempotency-key') ?? randomUUID();
  if (!requestIdSchema.safeParse(requestId).success)
    return refusal(makeError('MALFORMED', 'The Idempotency-Key header must be 1–128 characters.'), early);
  const release = slots.take(actor.kind === 'player' ? `player:${actor.player}` : 'admin');
  if (typeof release === 'string') {
    return refusal(makeError(release), {
      headers: { ...early.headers, 'retry-after': String(UPLOAD_RETRY_AFTER_S) },
    });
  }
  const name = randomUUID();
  const file = join(services.uploadFolder, name);
  try {
    const received = await receiveUpload(c.env.incoming, file, MAX_PICTURE_BYTES, services.uploadLimits);
    if (received.kind !== 'stored') return refusal(cutOff(received, services.uploadLimits), early);
    if (received.bytes === 0) return refusal(makeError('PICTURE_PROBLEM', 'The request has no picture.'));
    const frame = await requestEngine(services.runtime, {
      actor,
      requestId,
      command: {
        type: 'picture.received',
        target,
        uploadedBy: actor.kind === 'player' ? actor.player : null,
        upload: name,
      },
      // The HTTP side checked the token; the engine checks what its owner may upload for.
      runAs: { kind: 'system' },
      timeoutMs: UPLOAD_TIMEOUT_MS,
    });
    if (frame === undefined) {
      const late = 'The picture was not processed in time; retry with the same Idempotency-Key.';
      return refusal(makeError('INTERNAL', late), { status: 504 });
    }
    const answer = responseSchema.parse(JSON.parse(frame));
    return answer.ok ? jsonAnswer(200, encodeHttpResult(answer.result)) : refusal(answer.error);
  } finally {
    release();
    await rm(file, { force: true });
  }
}

/** Why a body that did not arrive whole was refused. */
function cutOff(received: Exclude<Received, { kind: 'stored' }>, limits: UploadLimits): ProtocolError {
  switch (received.kind) {
    case 'too large':
      return makeError('TOO_LARGE', `The picture is larger than ${MAX_PICTURE_BYTES / 1024 / 1024} MiB.`);
    case 'stalled':
      return makeError(
        'UPLOAD_TOO_SLOW',
        `The upload brought less than 1 KiB in ${limits.stallMs / 1000} s and was cut off; send it again.`,
      );
    case 'too long':
      return makeError(
        'UPLOAD_TOO_SLOW',
        `The upload took longer than ${limits.timeLimitMs / 1000} s and was cut off; send it again.`,
      );
    case 'gone':
      return makeError('MALFORMED', 'The upload ended before its body was complete.');
  }
}

function download(services: PictureRouteServices, c: Context<HttpEnv>, variant: PictureVariant): Response {
  const actor = authenticate(services, c, new URL(c.req.url));
  if ('code' in actor) return refusal(actor, { status: 401 });
  const id = Number(c.req.param('id'));
  const state = services.runtime.current;
  const picture = state.tables.picture.get(id);
  // A picture the requester may not see does not exist for them (its existence is not revealed).
  if (picture === undefined || !mayReadPicture(state, actor, picture)) {
    return refusal(makeError('NOT_FOUND', `No picture with id ${id}.`, { entity: 'picture', id }));
  }
  const image = variant === 'full' ? picture : picture.thumb;
  const etag = `"${image.sha256}"`;
  const headers = {
    'content-type': image.mime,
    // Pictures never change: a new upload is a new id.
    'cache-control': 'private, max-age=31536000, immutable',
    etag,
  };
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  const key = blobKey(image);
  if (services.store.blobInfo(key) === undefined) {
    return refusal(makeError('INTERNAL', `The bytes of picture ${id} are missing from the store.`));
  }
  const body = blobStream(services.store, key, image.bytes);
  return new Response(body, { status: 200, headers: { ...headers, 'content-length': String(image.bytes) } });
}

/** A blob's bytes as a stream of ranges, each read when the client takes the one before (PICTURE-4). */
function blobStream(store: BlobSource, key: string, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream(
    {
      pull(controller) {
        const chunk = store.readBlob(key, offset, DOWNLOAD_CHUNK_BYTES);
        if (chunk === undefined || chunk.length === 0) {
          controller.error(new Error(`The blob ${key} ended at ${offset} of ${size} bytes.`));
          return;
        }
        controller.enqueue(chunk);
        offset += chunk.length;
        if (offset >= size) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The actor a request's bearer token stands for (the same rules as a WebSocket hello), or why there is
 * none. A token in the URL is refused (AUTH-8): URLs end up in logs, proxies and browser histories.
 */
function authenticate(services: PictureRouteServices, c: Context<HttpEnv>, url: URL): Actor | ProtocolError {
  if (url.searchParams.has('token')) return TOKEN_IN_URL;
  const header = c.req.header('authorization');
  const token = header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : '';
  const actor = token === '' ? undefined : actorOfToken(services.runtime.current, services.adminToken, token);
  return actor ?? unauthorised();
}

const TOKEN_IN_URL = makeError(
  'UNAUTHORISED',
  'Tokens are not accepted in URLs (they end up in logs): send "Authorization: Bearer <token>".',
  { rule: 'token-in-url' },
);

/** The upload target named by the query string, or what is wrong with it. */
function targetOf(query: URLSearchParams): PictureTarget | ProtocolError {
  const id = (name: string): number | undefined => {
    const text = query.get(name);
    // Up to 2^53: a session's ids reach 16 digits in the per-session id space (CLUSTER-16).
    if (text === null || !/^[0-9]{1,16}$/.test(text)) return undefined;
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : undefined;
  };
  const kind = query.get('kind') ?? (query.has('period') ? 'period' : query.has('team') ? 'team' : 'player');
  const player = id('player');
  const team = id('team');
  const period = id('period');
  if (kind === 'player' && player !== undefined) return { kind, player };
  if (kind === 'team' && team !== undefined) return { kind, team };
  if (kind === 'period' && team !== undefined && period !== undefined) return { kind, team, period };
  return makeError(
    'MALFORMED',
    'Name the picture’s target: ?kind=player&player=ID, ?kind=team&team=ID or ?kind=period&team=ID&period=N.',
    { field: 'kind' },
  );
}
