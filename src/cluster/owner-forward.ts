import type { Context } from 'hono';
import { request, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { jsonAnswer, type HttpEnv } from '../server/http-answers.js';
import type { LeaseHolder } from './engine-lease.js';

/** The request headers the owner's `/pictures` and `/metrics` read; nothing else is passed on. */
const REQUEST_HEADERS = [
  'authorization',
  'idempotency-key',
  'content-type',
  'content-length',
  'if-none-match',
  'accept',
];
/** Headers of one hop only: never copied from the owner's answer. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
/** Answers that have no body, whatever their headers say. */
const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** How long the owner may take to answer a download or `/metrics` with its headers (ms). */
export const FORWARD_HEADERS_TIMEOUT_MS = 10_000;
/**
 * How long an upload may take to be answered: the owner cuts its body off after 120 s (PICTURE-9) and
 * gives the engine another 120 s to store it; this only catches an owner that stopped answering.
 */
export const FORWARD_UPLOAD_TIMEOUT_MS = 250_000;

/**
 * Passes a request on to the engine's owner over HTTP (CLUSTER-9) and streams its answer back: the body
 * both ways flows as the other side takes it, so an upload is never held whole here and the owner's
 * limits (size, pace, slots) apply to it as to its own clients'. An early answer (a refused token, a full
 * slot) is passed back at once, with the owner's `Connection: close`, and the rest of the body is not
 * sent on; when the connection's end overtook that answer, 502 says so. The client's address goes along in `X-Forwarded-For`. An owner that is unknown, unreachable or
 * silent past the timeout is answered 503 naming it, with `Retry-After`.
 */
export function forwardToOwner(
  c: Context<HttpEnv>,
  owner: LeaseHolder | undefined,
  standing: object,
): Promise<Response> {
  if (owner === undefined) return Promise.resolve(ownerUnavailable('no owner is known yet', standing));
  const incoming = c.env.incoming;
  const url = new URL(c.req.url);
  const withBody = c.req.method !== 'GET' && c.req.method !== 'HEAD';
  const timeoutMs = withBody ? FORWARD_UPLOAD_TIMEOUT_MS : FORWARD_HEADERS_TIMEOUT_MS;
  return new Promise((resolve) => {
    const out = request(new URL(url.pathname + url.search, httpUrlOf(owner)), {
      method: c.req.method,
      headers: forwardedHeaders(c, incoming.socket.remoteAddress),
    });
    let answered = false;
    const timer = setTimeout(() => out.destroy(new Error('timed out')), timeoutMs);
    out.on('response', (answer) => {
      answered = true;
      clearTimeout(timer);
      incoming.unpipe(out);
      resolve(answerOf(answer, c.req.method));
    });
    // After the answer, a failed write of the body's rest (the owner closed early) is expected.
    out.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (answered) return;
      if (withBody && (error.code === 'EPIPE' || error.code === 'ECONNRESET'))
        return resolve(cutShort(standing));
      const why =
        error.message === 'timed out' ? `did not answer within ${timeoutMs / 1000} s` : 'is not reachable';
      resolve(ownerUnavailable(`the owner ${owner.node} at ${httpUrlOf(owner)} ${why}`, standing, error));
    });
    // A client that goes away mid-upload: the owner sees the body cut off, as from its own client.
    incoming.once('close', () => {
      if (!incoming.complete) out.destroy();
    });
    if (withBody) incoming.pipe(out);
    else out.end();
  });
}

/** The owner's answer as this node's: its status, its headers but those of its hop, its body streamed. */
function answerOf(answer: IncomingMessage, method: string): Response {
  const status = answer.statusCode ?? 502;
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_HEADERS.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  if (answer.headers.connection === 'close') headers.set('connection', 'close');
  if (method === 'HEAD' || NO_BODY_STATUSES.has(status)) {
    answer.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(answer) as ReadableStream<Uint8Array>, { status, headers });
}

/** The owner's HTTP address: the lease holds the URL its WebSockets are served at, on the same port. */
export function httpUrlOf(owner: LeaseHolder): string {
  return owner.url.replace(/^ws(s?):\/\//, 'http$1://');
}

function forwardedHeaders(c: Context<HttpEnv>, remote: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REQUEST_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  const earlier = c.req.header('x-forwarded-for');
  const client = remote ?? 'unknown';
  headers['x-forwarded-for'] = earlier === undefined ? client : `${earlier}, ${client}`;
  return headers;
}

/**
 * The owner closed the connection while the upload's body was still coming: it refused the upload before
 * reading it (a token it does not know, too many uploads at once) and did not read the rest, so its
 * answer was lost with the connection.
 */
function cutShort(standing: object): Response {
  const message =
    'The owner ended the upload before reading all of it (it refused it early: a token it does not accept, ' +
    'too many uploads at once; or it went away); check the token, then retry.';
  return jsonAnswer(502, JSON.stringify({ ok: false, message, ...standing }), { 'retry-after': '5' });
}

/** 503 naming the owner (or that none is known), as CLUSTER-7 answered before forwarding existed. */
function ownerUnavailable(where: string, standing: object, cause?: unknown): Response {
  const message = `The engine's owner serves this, but ${where}; try again shortly.`;
  const detail = cause instanceof Error ? { cause: cause.message } : {};
  return jsonAnswer(503, JSON.stringify({ ok: false, message, ...detail, ...standing }), {
    'retry-after': '1',
  });
}
