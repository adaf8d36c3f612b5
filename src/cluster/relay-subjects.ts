import { headers, type MsgHdrs } from '@nats-io/transport-node';

/**
 * The NATS subjects and headers of relayed connections (CLUSTER-4). A node that does not own the engine
 * relays each client WebSocket to the owner: it asks the owner to open the connection, then both sides
 * publish the connection's frames on a subject of their own, numbered per direction so that a lost
 * message is noticed (the connection is closed: the client reconnects and resumes) rather than silently
 * skipped. Core NATS only: what must survive a node lives in JetStream, a connection does not.
 */
export const relaySubjects = {
  /** Request/reply: the relay asks the owner to open a connection (`OpenRequest`). */
  open: (owner: string): string => `truinlag.node.${owner}.open`,
  /** What the relay sends the owner for one connection: the client's frames, acknowledgements, its end. */
  toOwner: (owner: string, connection: string): string => `truinlag.node.${owner}.in.${connection}`,
  /** Every connection relayed to `owner` (the owner's one subscription). */
  allToOwner: (owner: string): string => `truinlag.node.${owner}.in.*`,
  /** What the owner sends the relay for one connection: frames for the client, and the close. */
  toRelay: (relay: string, connection: string): string => `truinlag.node.${relay}.out.${connection}`,
  /** Every connection a node relays (the relay's one subscription). */
  allToRelay: (relay: string): string => `truinlag.node.${relay}.out.*`,
  /** A relaying node's heartbeat: the owner ends the connections of a relay it no longer hears. */
  alive: (relay: string): string => `truinlag.node.${relay}.alive`,
  allAlive: 'truinlag.node.*.alive',
} as const;

/** The connection id is the subject's last token. */
export function connectionOf(subject: string): string {
  return subject.slice(subject.lastIndexOf('.') + 1);
}

/** What a relay asks of the owner to open a connection for one of its client sockets. */
export interface OpenRequest {
  /** The relay's id for the connection (a UUID: one subject token). */
  readonly connection: string;
  /** The relaying node's name (where the owner sends the connection's frames). */
  readonly relay: string;
  /** The client's TCP peer, for logs. */
  readonly remote: string;
  /** The client's address as limits count it (LIMIT-6 to LIMIT-8), worked out by the relay. */
  readonly address: string;
}

/**
 * The owner's answer to an `OpenRequest`: it runs the connection now (or refused it with a frame and a
 * close, already on their way). An owner that no longer opens connections does not answer at all.
 */
export interface OpenReply {
  readonly ok: true;
}

/**
 * The kind of one relayed message (header `k`): a frame (`f`, numbered in header `n`); an acknowledgement
 * (`a`: the relay wrote frames up to `n` to the client's socket); the client's side ended (`e`, close code
 * in `c`); or the owner closes the connection (`c`, close code in `c`, the reason as the payload).
 */
export type RelayKind = 'f' | 'a' | 'e' | 'c';

/**
 * A relayed message's headers. On a frame: `m` when more pieces of the same frame follow (a frame larger
 * than a NATS message may be travels in pieces, each numbered); `b` when the client sent it as binary;
 * `s` its size in bytes, carried alone when the frame is too large for any request (LIMIT-1). `o` names
 * the node that sent it, so that a side which no longer knows the connection can tell the other to end
 * it (its own end or close was lost while NATS reconnected).
 */
export interface RelayHeaders {
  readonly kind: RelayKind;
  readonly from?: string;
  readonly n?: number;
  readonly code?: number;
  readonly more?: boolean;
  readonly binary?: boolean;
  readonly size?: number;
}

/** NATS headers for a relayed message. */
export function relayHeaders(fields: RelayHeaders): MsgHdrs {
  const h = headers();
  h.set('k', fields.kind);
  if (fields.from !== undefined) h.set('o', fields.from);
  if (fields.n !== undefined) h.set('n', String(fields.n));
  if (fields.code !== undefined) h.set('c', String(fields.code));
  if (fields.more === true) h.set('m', '1');
  if (fields.binary === true) h.set('b', '1');
  if (fields.size !== undefined) h.set('s', String(fields.size));
  return h;
}

/** The fields of a relayed message's headers (a message without them reads as an empty frame). */
export function readRelayHeaders(h: MsgHdrs | undefined): RelayHeaders {
  const number = (key: string): number | undefined => {
    const value = h?.get(key);
    return value === undefined || value === '' ? undefined : Number(value);
  };
  const kind = (h?.get('k') ?? 'f') as RelayKind;
  const fields: { -readonly [K in keyof RelayHeaders]: RelayHeaders[K] } = { kind };
  const n = number('n');
  const code = number('c');
  const size = number('s');
  const from = h?.get('o');
  if (from !== undefined && from !== '') fields.from = from;
  if (n !== undefined) fields.n = n;
  if (code !== undefined) fields.code = code;
  if (size !== undefined) fields.size = size;
  if (h?.get('m') === '1') fields.more = true;
  if (h?.get('b') === '1') fields.binary = true;
  return fields;
}

/** Room kept in each NATS message for its headers. */
const HEADER_ROOM = 1024;
/** NATS servers' own default `max_payload`, when the connection does not say. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** A frame cut into pieces that each fit in one NATS message (`maxPayload`: the server's limit). */
export function piecesOf(frame: Buffer, maxPayload: number | undefined): Buffer[] {
  const room = Math.max(HEADER_ROOM, (maxPayload ?? DEFAULT_MAX_PAYLOAD) - HEADER_ROOM);
  if (frame.length <= room) return [frame];
  const pieces: Buffer[] = [];
  for (let at = 0; at < frame.length; at += room) pieces.push(frame.subarray(at, at + room));
  return pieces;
}

/** The pieces of one frame as they arrive, joined once the last is there. */
export class FramePieces {
  private parts: Uint8Array[] = [];

  /** Adds a piece; the whole frame once `more` is false, else undefined. */
  add(piece: Uint8Array, more: boolean): Buffer | undefined {
    if (more) {
      this.parts.push(piece);
      return undefined;
    }
    const whole = Buffer.concat([...this.parts, piece]);
    this.parts = [];
    return whole;
  }
}
