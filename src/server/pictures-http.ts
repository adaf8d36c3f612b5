import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Actor } from '../engine/handler.js';
import { blobKey, mayReadPicture, type PictureVariant } from '../engine/pictures/records.js';
import type { Command } from '../protocol/commands/index.js';
import { schemaOfCommand } from '../protocol/commands/index.js';
import { schemaError } from '../protocol/codec.js';
import { encodeFailure, encodeHttpFailure, encodeHttpResult } from '../protocol/encode.js';
import { requestIdSchema, responseSchema } from '../protocol/envelope.js';
import { makeError, type ErrorCode, type ProtocolError } from '../protocol/errors.js';
import { MAX_PICTURE_BYTES, type PictureTarget } from '../protocol/pictures.js';
import type { FrameKind, Peer } from '../runtime/peer.js';
import type { Runtime } from '../runtime/runtime.js';
import { actorOfToken } from '../runtime/tokens.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { HttpRoute } from '../transport/ws-server.js';

export interface PictureRouteServices {
  readonly runtime: Runtime;
  readonly store: SqliteStore;
  readonly adminToken: string;
  readonly logger: Logger;
}

/** How long an upload may wait for the engine's answer before the HTTP request gives up (504). */
const UPLOAD_TIMEOUT_MS = 120_000;

/**
 * The HTTP side of pictures (PICTURE-1, docs/protocol.md "Pictures"), on the WebSocket's server:
 *
 * - `POST /pictures?kind=player&player=ID | kind=team&team=ID | kind=period&team=ID&period=N` with the
 *   image file as the body (at most 10 MiB). The request becomes a `picture.upload` command in the
 *   engine's mailbox, run as the token's admin or player; the answer comes when the processed picture
 *   is stored: `{"ok":true,"result":<picture>}` or `{"ok":false,"error":{…}}`. An `Idempotency-Key`
 *   header makes a retried upload return the first answer, not store the picture twice (IDEMPOTENCY-3).
 * - `GET /pictures/:id` and `GET /pictures/:id/thumb`: the stored JPEG, for admins and the players who
 *   may see it.
 *
 * Every request needs a token: `Authorization: Bearer <token>` or `?token=<token>` (the admin token or
 * a player token from `auth.login`).
 */
export function pictureRoutes(services: PictureRouteServices): HttpRoute {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/pictures') {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      void upload(services, req, res, url).catch((cause: unknown) => internal(services, res, cause));
      return true;
    }
    const match = /^\/pictures\/([1-9][0-9]{0,15})(\/thumb)?$/.exec(path);
    if (match === null) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    try {
      download(services, req, res, url, Number(match[1]), match[2] === undefined ? 'full' : 'thumb');
    } catch (cause) {
      internal(services, res, cause);
    }
    return true;
  };
}

async function upload(
  services: PictureRouteServices,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const actor = authenticate(services, req, url);
  // Without a valid token nothing is read: the answer comes at once and closes the connection.
  if (actor === undefined) return refuse(res, unauthorised(), 401);
  // The body is read (up to its limit) before anything else is answered, so that a client gets its
  // answer instead of a connection reset while it is still sending.
  const body = await readBody(req, MAX_PICTURE_BYTES);
  const target = targetOf(url.searchParams);
  if ('code' in target) return refuse(res, target);
  const idempotencyKey = req.headers['idempotency-key'];
  const requestId = typeof idempotencyKey === 'string' ? idempotencyKey : randomUUID();
  if (!requestIdSchema.safeParse(requestId).success)
    return refuse(res, makeError('MALFORMED', 'The Idempotency-Key header must be 1–128 characters.'));
  if (body === 'too large') {
    return refuse(
      res,
      makeError('TOO_LARGE', `The picture is larger than ${MAX_PICTURE_BYTES / 1024 / 1024} MiB.`),
    );
  }
  if (body.length === 0) return refuse(res, makeError('PICTURE_PROBLEM', 'The request has no picture.'));
  const command = { type: 'picture.upload', target, data: body.toString('base64') };
  const parsed = schemaOfCommand('picture.upload')?.safeParse(command);
  if (parsed === undefined) return refuse(res, makeError('INTERNAL', 'picture.upload is not defined.'));
  if (!parsed.success) return refuse(res, schemaError(parsed.error, 'The upload is invalid.'));
  const frame = await submit(services.runtime, actor, requestId, parsed.data as Command);
  if (frame === undefined) {
    return refuse(
      res,
      makeError('INTERNAL', 'The picture was not processed in time; retry with the same Idempotency-Key.'),
      504,
    );
  }
  const answer = responseSchema.parse(JSON.parse(frame));
  if (answer.ok) send(res, 200, encodeHttpResult(answer.result));
  else refuse(res, answer.error);
}

function download(
  services: PictureRouteServices,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: number,
  variant: PictureVariant,
): void {
  const actor = authenticate(services, req, url);
  if (actor === undefined) return refuse(res, unauthorised(), 401);
  const state = services.runtime.current;
  const picture = state.tables.picture.get(id);
  // A picture the requester may not see does not exist for them (its existence is not revealed).
  if (picture === undefined || !mayReadPicture(state, actor, picture)) {
    return refuse(res, makeError('NOT_FOUND', `No picture with id ${id}.`, { entity: 'picture', id }));
  }
  const image = variant === 'full' ? picture : picture.thumb;
  const etag = `"${image.sha256}"`;
  const headers = {
    'content-type': image.mime,
    // Pictures never change: a new upload is a new id.
    'cache-control': 'private, max-age=31536000, immutable',
    etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const bytes = services.store.readBlob(blobKey(id, variant), 0, image.bytes);
  if (bytes === undefined) {
    return refuse(res, makeError('INTERNAL', `The bytes of picture ${id} are missing from the store.`));
  }
  res.writeHead(200, { ...headers, 'content-length': bytes.length });
  if (req.method === 'HEAD') res.end();
  else res.end(bytes);
}

/** The actor a request's token stands for (the same rules as a WebSocket hello), or undefined. */
function authenticate(services: PictureRouteServices, req: IncomingMessage, url: URL): Actor | undefined {
  const header = req.headers.authorization;
  const bearer = header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : undefined;
  const token = bearer ?? url.searchParams.get('token') ?? undefined;
  if (token === undefined || token === '') return undefined;
  return actorOfToken(services.runtime.current, services.adminToken, token);
}

/** The upload target named by the query string, or what is wrong with it. */
function targetOf(query: URLSearchParams): PictureTarget | ProtocolError {
  const id = (name: string): number | undefined => {
    const text = query.get(name);
    if (text === null || !/^[0-9]{1,15}$/.test(text)) return undefined;
    return Number(text);
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

/**
 * Submits a command as if from a connection of this actor and resolves with the response frame (or
 * undefined after the timeout; a shutdown answers SHUTTING_DOWN). The request id is scoped to the actor, so a retried upload with the
 * same Idempotency-Key gets the first answer (IDEMPOTENCY-3).
 */
function submit(
  runtime: Runtime,
  actor: Actor,
  requestId: string,
  command: Command,
): Promise<string | undefined> {
  // Idempotency keys are each login's own (IDEMPOTENCY-2): a game master's apart from the owner's (AUTH-7).
  const clientKey =
    actor.kind === 'player'
      ? `http/player:${actor.player}`
      : actor.kind === 'admin' && actor.gm !== undefined
        ? `http/gm:${actor.gm}`
        : 'http/admin';
  const session =
    actor.kind === 'player' ? (runtime.current.tables.player.get(actor.player)?.session ?? null) : null;
  return new Promise((resolve) => {
    const finish = (frame: string | undefined): void => {
      clearTimeout(timer);
      runtime.detach(peer);
      resolve(frame);
    };
    const peer: Peer = {
      id: `http:${randomUUID()}`,
      actor,
      session,
      send: (frame: string, kind: FrameKind) => {
        if (kind === 'response') finish(frame);
      },
      close: () => finish(encodeFailure(requestId, makeError('SHUTTING_DOWN'))),
    };
    const timer = setTimeout(() => finish(undefined), UPLOAD_TIMEOUT_MS);
    timer.unref();
    runtime.attach(peer);
    runtime.submit({ source: 'client', peer, reply: { clientKey, requestId }, command, session: undefined });
  });
}

/**
 * Reads a request body up to `limit` bytes. Past the limit the rest is read and dropped (so that the
 * client can read the answer); a body far past it is cut off: the answer then closes the connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
      if (size > DRAIN_LIMIT * limit) {
        req.pause();
        resolve('too large');
      }
    });
    req.on('end', () => resolve(size > limit ? 'too large' : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('The upload was cut off.'));
    });
  });
}

/** How far past the limit an oversized body is still read (to answer it) before the connection is cut. */
const DRAIN_LIMIT = 4;

const STATUS: Partial<Record<ErrorCode, number>> = {
  MALFORMED: 400,
  NOT_FOUND: 404,
  TOO_LARGE: 413,
  PICTURE_PROBLEM: 422,
  SHUTTING_DOWN: 503,
  INTERNAL: 500,
};

const unauthorised = (): ProtocolError =>
  makeError('UNAUTHORISED', 'Send a valid token: "Authorization: Bearer <token>" or "?token=<token>".');

/**
 * Answers with an error, as `{"ok":false,"error":{code,message}}`. The status follows the code; an
 * authenticated requester that may not do something gets 403 (401 is for a missing or wrong token).
 */
function refuse(res: ServerResponse, error: ProtocolError, status = statusOf(error)): void {
  send(res, status, encodeHttpFailure(error));
}

const statusOf = (error: ProtocolError): number =>
  error.code === 'UNAUTHORISED' ? 403 : (STATUS[error.code] ?? 400);

/** Sends an encoded JSON body (see src/protocol/encode.ts). */
function send(res: ServerResponse, status: number, body: string): void {
  if (!res.req.complete) res.setHeader('connection', 'close');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader('allow', allow);
  refuse(res, makeError('MALFORMED', `Use ${allow}.`), 405);
  return true;
}

function internal(services: PictureRouteServices, res: ServerResponse, cause: unknown): void {
  services.logger.error({ err: cause }, 'picture request failed');
  refuse(res, makeError('INTERNAL'), 500);
}
