import type { HttpBindings } from '@hono/node-server';
import { encodeHttpFailure } from '../protocol/encode.js';
import { makeError, type ErrorCode, type ProtocolError } from '../protocol/errors.js';

/** The router's environment: the Node request and response behind each web Request. */
export type HttpEnv = { Bindings: HttpBindings };

/** The HTTP status of each error code the HTTP side answers; any other refusal is 400. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  MALFORMED: 400,
  UNAUTHORISED: 403,
  NOT_FOUND: 404,
  UPLOAD_TOO_SLOW: 408,
  TOO_LARGE: 413,
  PICTURE_PROBLEM: 422,
  TOO_MANY_UPLOADS: 429,
  INTERNAL: 500,
  UPLOADS_BUSY: 503,
  SHUTTING_DOWN: 503,
  PICTURE_LIMIT: 507,
};

export interface RefusalOptions {
  /** Overrides the status of the code (401 for a missing or wrong token, 405, 504). */
  readonly status?: number;
  readonly headers?: Record<string, string>;
}

/** An encoded JSON body (src/protocol/encode.ts) as a response. */
export function jsonAnswer(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
}

/**
 * A refused request, as `{"ok":false,"error":{code,message}}`. The status follows the code; an
 * authenticated requester that may not do something gets 403 (401 is for a missing or wrong token).
 */
export function refusal(error: ProtocolError, options: RefusalOptions = {}): Response {
  return jsonAnswer(options.status ?? STATUS[error.code] ?? 400, encodeHttpFailure(error), options.headers);
}

export const unauthorised = (): ProtocolError =>
  makeError('UNAUTHORISED', 'Send a valid token: "Authorization: Bearer <token>".');

/** 405 naming the methods a path takes. */
export const methodNotAllowed = (allow: string): Response =>
  refusal(makeError('MALFORMED', `Use ${allow}.`), { status: 405, headers: { allow } });
