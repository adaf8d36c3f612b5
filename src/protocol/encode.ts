import type { BroadcastEvent } from './broadcasts.js';
import type { Notice, Role } from './envelope.js';
import type { ProtocolError } from './errors.js';
import { PROTOCOL_VERSION } from './version.js';

/**
 * The one renderer of server frames: every frame a server sends (WebSocket, local socket, HTTP error
 * bodies that carry an envelope) is built here, so the wire format has a single source. Each function
 * takes exactly the fields of its message; the protocol version is stamped here, never by callers.
 */

export interface WelcomeFields {
  readonly role: Role;
  readonly connection: string;
  readonly player: number | null;
  readonly session: number | null;
  readonly gameMaster: string | null;
  readonly serverTime: number;
  readonly minClientVersion: string;
  readonly seq: Readonly<Record<string, number>>;
}

export function encodeWelcome(fields: WelcomeFields): string {
  return JSON.stringify({ type: 'welcome', protocol: PROTOCOL_VERSION, ...fields });
}

export function encodeResult(id: string, result: unknown): string {
  return encodeResponse(id, encodeHttpResult(result));
}

export function encodeFailure(id: string, error: ProtocolError): string {
  return encodeResponse(id, encodeHttpFailure(error));
}

/**
 * A response frame around an answer rendered before (`{"ok":…}`, as `encodeHttpResult` or
 * `encodeHttpFailure` make it): how a kept answer, stored without its envelope, is sent again
 * (IDEMPOTENCY-1). The same text as rendering the response whole.
 */
export function encodeResponse(id: string, answer: string): string {
  return `{"type":"response","id":${JSON.stringify(id)},${answer.slice(1)}`;
}

/** A connection-level error: the frame could not be tied to a request id. */
export function encodeConnectionError(error: ProtocolError): string {
  return JSON.stringify({ type: 'error', id: null, error });
}

/** An error for a frame whose request id is known (a response) or not (a connection error). */
export function encodeError(id: string | null, error: ProtocolError): string {
  return id === null ? encodeConnectionError(error) : encodeFailure(id, error);
}

export interface BroadcastFields {
  readonly session: number | null;
  readonly seq: number;
  readonly at: number;
  readonly event: BroadcastEvent;
}

/** Rendered once per broadcast, then the same text goes to every recipient. */
export function encodeBroadcast(fields: BroadcastFields): string {
  return encodeLoggedBroadcast({ ...fields, event: JSON.stringify(fields.event) });
}

/**
 * A broadcast frame around its event rendered before (the JSON the broadcast log keeps, RESUME-1): the
 * same text as `encodeBroadcast` of the parsed event.
 */
export function encodeLoggedBroadcast(
  fields: Omit<BroadcastFields, 'event'> & { readonly event: string },
): string {
  const { session, seq, at, event } = fields;
  return `{"type":"broadcast","session":${JSON.stringify(session)},"seq":${seq},"at":${at},"event":${event}}`;
}

export function encodeNotice(fields: Omit<Notice, 'type'>): string {
  return JSON.stringify({ type: 'notice', ...fields });
}

/**
 * A response without its envelope: the JSON body of an HTTP answer (the pictures routes, where the HTTP
 * request it answers is the match), and the answer kept for a re-sent request (IDEMPOTENCY-1).
 */
export function encodeHttpResult(result: unknown): string {
  return JSON.stringify({ ok: true, result });
}

/** The JSON body of a refused HTTP request; its status says the same in HTTP terms. */
export function encodeHttpFailure(error: ProtocolError): string {
  return JSON.stringify({ ok: false, error });
}

/** The body of `GET /healthz`: the server is up, which protocol it speaks, and for how long. */
export function encodeHealth(uptimeMs: number): string {
  return JSON.stringify({ ok: true, protocol: PROTOCOL_VERSION, uptimeMs });
}

/** The body of `GET /readyz` (HEALTH-2): ready, or the reasons it is not. */
export function encodeReadiness(reasons: readonly string[]): string {
  return JSON.stringify({ ok: reasons.length === 0, reasons });
}
