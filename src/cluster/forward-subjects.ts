import { headers, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import type { Actor } from '../engine/handler.js';
import type { Part } from '../engine/parts.js';
import type { Command } from '../protocol/commands/index.js';
import { piecesOf } from './relay-subjects.js';

/**
 * Single requests forwarded to the owner of their part (CLUSTER-21), over core NATS request/reply: the
 * node holding a client's connection sends the request to `truinlag.node.<owner>.requests` and the owner
 * answers on the request's reply subject. Either message may be larger than a NATS message (a client's
 * frame may be 1 MiB, an answer more): it then travels in numbered pieces, each with the same reply
 * subject, and is joined on arrival; a missing piece fails that attempt, which the forwarder repeats.
 */
export const forwardSubjects = {
  /** Request/reply: a request forwarded to `owner`, the one node that steps its part now. */
  requests: (owner: string): string => `truinlag.node.${owner}.requests`,
  /** Request/reply: `node`'s connection board, answered in pieces as forwarded answers are (CLUSTER-24). */
  connections: (node: string): string => `truinlag.node.${node}.connections`,
  /** Publish/subscribe: a node's board changed (its name the payload), so every node's admins re-read. */
  boardsChanged: 'truinlag.boards.changed',
} as const;

/** Log positions by part (`partKey`): a part's position is the stream sequence of its latest entry. */
export type Positions = Readonly<Record<string, number>>;

/** A request forwarded to its part's owner: what the owner's runtime needs to step it as if local. */
export interface ForwardRequest {
  /** A client's request, or the engine's own with a reply key (a job's result): no client peer then. */
  readonly source: 'client' | 'system';
  /** The part the request steps in (`partOfStep`), which the receiving node must own. */
  readonly part: Part;
  readonly session?: number;
  /** Who the request runs as, as the forwarding node's connection knew it when the request came. */
  readonly actor: Actor;
  /** The request's reply key: the owner's idempotency (IDEMPOTENCY-1) answers a repeat from its log. */
  readonly clientKey: string;
  readonly requestId: string;
  /** The command as the client sent it, already validated by the forwarding node. */
  readonly command: Command;
  /**
   * Per part, how far the forwarding node's copy had applied the log: the owner steps the request only
   * once its own copy is as far (what the client has seen, the step sees).
   */
  readonly after: Positions;
}

/** The owner's answer: the response frame, and per part its last appended position when it answered. */
export interface ForwardReply {
  readonly frame: string;
  /** At least the entry holding the answer: the forwarding node answers once its copy applied these. */
  readonly positions: Positions;
}

/**
 * Why an owner did not step a forwarded request. Retried by the forwarder (the owner may be changing
 * hands, or catching up): `NOT_OWNER`, `SHUTTING_DOWN`, `BEHIND` (its copy did not reach the request's
 * `after` in time), `PIECES_LOST`. Not retried: `OVERLOADED` (as many forwarded requests in flight as it
 * takes), `INTERNAL` (the owner failed: a repeat would fail the same way).
 */
export const FORWARD_REFUSALS = [
  'NOT_OWNER',
  'SHUTTING_DOWN',
  'BEHIND',
  'PIECES_LOST',
  'OVERLOADED',
  'INTERNAL',
] as const;
export type ForwardRefusal = (typeof FORWARD_REFUSALS)[number];

/** What an owner answers a forwarded request. */
export type ForwardAnswer = ForwardReply | { readonly refused: ForwardRefusal };

/**
 * One piece of a forwarded message (headers `p`: its number from 0, `m`: more pieces follow), or an
 * owner's refusal (header `r`, no payload). A message without headers is one whole piece.
 */
interface PieceHeaders {
  readonly piece: number;
  readonly more: boolean;
  readonly refused?: ForwardRefusal;
}

function pieceHeaders(fields: PieceHeaders): MsgHdrs {
  const h = headers();
  h.set('p', String(fields.piece));
  if (fields.more) h.set('m', '1');
  if (fields.refused !== undefined) h.set('r', fields.refused);
  return h;
}

export function readPieceHeaders(h: MsgHdrs | undefined): PieceHeaders {
  const refused = h?.get('r') ?? '';
  const fields = { piece: Number(h?.get('p') ?? 0), more: h?.get('m') === '1' };
  return FORWARD_REFUSALS.includes(refused as ForwardRefusal)
    ? { ...fields, refused: refused as ForwardRefusal }
    : fields;
}

/** The server's own answer that nobody subscribes to a request's subject (a status message, no payload). */
export function isNoResponders(message: Msg): boolean {
  return message.data.length === 0 && message.headers?.code === 503;
}

/**
 * Publishes `payload` in pieces that fit the server's messages; `reply` goes on every piece (the
 * receiver keeps a request's pieces by it). Throws when the connection is closed.
 */
export function publishInPieces(
  nats: NatsConnection,
  subject: string,
  payload: Buffer,
  reply?: string,
): void {
  const pieces = piecesOf(payload, nats.info?.max_payload);
  pieces.forEach((piece, i) => {
    const options = { headers: pieceHeaders({ piece: i, more: i < pieces.length - 1 }) };
    nats.publish(subject, piece, reply === undefined ? options : { ...options, reply });
  });
}

/** Publishes a refusal: one empty message. Throws when the connection is closed. */
export function publishRefusal(nats: NatsConnection, subject: string, refused: ForwardRefusal): void {
  nats.publish(subject, '', { headers: pieceHeaders({ piece: 0, more: false, refused }) });
}

/**
 * The pieces of one forwarded message as they arrive: `add` returns the whole message once its last piece
 * is there, undefined while more are due, and `null` once a piece is missing (it came out of order).
 */
export class Pieces {
  private readonly parts: Uint8Array[] = [];
  /** The bytes of the pieces so far. */
  bytes = 0;

  add(fields: PieceHeaders, data: Uint8Array): Buffer | undefined | null {
    if (fields.piece !== this.parts.length) return null;
    this.parts.push(data);
    this.bytes += data.length;
    return fields.more ? undefined : Buffer.concat(this.parts);
  }
}

/** A reply's payload: the positions as one JSON line, then the frame (JSON has no raw line breaks). */
export function encodeReply(reply: ForwardReply): Buffer {
  return Buffer.from(`${JSON.stringify(reply.positions)}\n${reply.frame}`);
}

export function decodeReply(payload: Buffer): ForwardReply {
  const text = payload.toString('utf8');
  const end = text.indexOf('\n');
  if (end < 0) throw new Error('A forwarded reply without its positions line.');
  return { positions: JSON.parse(text.slice(0, end)) as Positions, frame: text.slice(end + 1) };
}
