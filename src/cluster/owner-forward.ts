import type { Context } from 'hono';
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
/** Headers of one hop only (RFC 9110 §7.6.1): never copied from the owner's answer. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

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
 * limits (size, pace, slots) apply to it as to its own clients'. The client's address goes along in
 * `X-Forwarded-For` (so the owner's loopback-only `/metrics` refuses a forwarded request). An owner that
 * is unknown, unreachable or silent past the timeout is answered 503 naming it, with `Retry-After`.
 */
export async function forwardToOwner(
  c: Context<HttpEnv>,
  owner: LeaseHolder | undefined,
  standing: object,
): Promise<Response> {
  if (owner === undefined) return ownerUnavailable('no owner is known yet', standing);
  const incoming = c.env.incoming;
  const url = new URL(c.req.url);
  const target = new URL(url.pathname + url.search, httpUrlOf(owner));
  const withBody = c.req.method !== 'GET' && c.req.method !== 'HEAD';
  const aborter = new AbortController();
  const timeout = withBody ? FORWARD_UPLOAD_TIMEOUT_MS : FORWARD_HEADERS_TIMEOUT_MS;
  const timer = setTimeout(() => aborter.abort(), timeout);
  try {
    const answer = await fetch(target, {
      method: c.req.method,
      headers: forwardedHeaders(c, incoming.socket.remoteAddress),
      signal: aborter.signal,
      ...(withBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: 'half' } : {}),
    });
    return new Response(answer.body, { status: answer.status, headers: answerHeaders(answer.headers) });
  } catch (error) {
    const why = aborter.signal.aborted ? `did not answer within ${timeout / 1000} s` : 'is not reachable';
    return ownerUnavailable(`the owner ${owner.node} at ${httpUrlOf(owner)} ${why}`, standing, error);
  } finally {
    clearTimeout(timer);
  }
}

/** The owner's HTTP address: the lease holds the URL its WebSockets are served at, on the same port. */
export function httpUrlOf(owner: LeaseHolder): string {
  return owner.url.replace(/^ws(s?):\/\//, 'http$1://');
}

function forwardedHeaders(c: Context<HttpEnv>, remote: string | undefined): Headers {
  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  const earlier = c.req.header('x-forwarded-for');
  const client = remote ?? 'unknown';
  headers.set('x-forwarded-for', earlier === undefined ? client : `${earlier}, ${client}`);
  return headers;
}

/** The owner's answer headers, but those of its hop; an early refusal's `Connection: close` is kept. */
function answerHeaders(from: Headers): Headers {
  const headers = new Headers();
  from.forEach((value, name) => {
    if (!HOP_HEADERS.has(name)) headers.set(name, value);
  });
  if (from.get('connection') === 'close') headers.set('connection', 'close');
  return headers;
}

/** 503 naming the owner (or that none is known), as CLUSTER-7 answered before forwarding existed. */
function ownerUnavailable(where: string, standing: object, cause?: unknown): Response {
  const message = `The engine's owner serves this, but ${where}; try again shortly.`;
  const detail = cause instanceof Error ? { cause: cause.message } : {};
  return jsonAnswer(503, JSON.stringify({ ok: false, message, ...detail, ...standing }), {
    'retry-after': '1',
  });
}
