import { randomUUID } from 'node:crypto';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { WebSocket } from 'ws';
import { FRAME_LIMITS } from '../protocol/codec.js';
import { CLOSE_CODES } from '../transport/close-codes.js';
import { closeWithin } from '../transport/ws-server.js';
import {
  connectionOf,
  FramePieces,
  piecesOf,
  readRelayHeaders,
  relayHeaders,
  relaySubjects,
  type OpenRequest,
  type RelayHeaders,
} from './relay-subjects.js';

/** How long the owner may take to open a relayed connection before the client is told to reconnect. */
const OPEN_TIMEOUT_MS = 5_000;
/** Frames a client may send before the owner opened its connection (a hello, normally; LIMIT-5 guards). */
const MAX_EARLY_FRAMES = 16;

/** Where a relayed client socket came from. */
export interface ClientOrigin {
  /** The TCP peer, for the owner's logs. */
  readonly remote: string;
  /** The address as limits count it (LIMIT-6 to LIMIT-8). */
  readonly address: string;
}

/**
 * One client WebSocket relayed to the owner: its frames go out numbered, the owner's come back numbered
 * and are written to the socket, each acknowledged once written (the owner's outbound queue counts what
 * is not), and whichever side closes, the other is told. It only moves frames: it reads none of them.
 */
class RelayedSocket {
  readonly id = randomUUID();
  private sent = 0;
  private received = 0;
  private written = 0;
  private acknowledging = false;
  private early: { data: Buffer; binary: boolean }[] | undefined = [];
  private readonly pieces = new FramePieces();
  private ended = false;

  constructor(
    private readonly nats: NatsConnection,
    private readonly relay: string,
    readonly owner: string,
    private readonly socket: WebSocket,
    private readonly forget: (socket: RelayedSocket) => void,
  ) {}

  /** Asks the owner to open the connection, then forwards what the client sent meanwhile. */
  start(origin: ClientOrigin): void {
    this.socket.on('message', (data, binary) => this.fromClient(bufferOf(data), binary));
    this.socket.on('close', (code) => this.end(code));
    this.socket.on('error', () => this.end(1006));
    const request: OpenRequest = { connection: this.id, relay: this.relay, ...origin };
    this.nats
      .request(relaySubjects.open(this.owner), JSON.stringify(request), { timeout: OPEN_TIMEOUT_MS })
      .then(() => {
        const early = this.early ?? [];
        this.early = undefined;
        for (const frame of early) this.forward(frame.data, frame.binary);
      })
      .catch(() => this.cut(`the owner ${this.owner} is not reachable: reconnect`));
  }

  /** A message of the owner for this connection: a frame for the client, or the close. */
  fromOwner(message: Msg): void {
    if (this.ended) return;
    const fields = readRelayHeaders(message.headers);
    if (fields.kind === 'c') {
      this.ended = true;
      this.forget(this);
      return closeWithin(this.socket, fields.code ?? CLOSE_CODES.SHUTDOWN, message.string());
    }
    const n = fields.n ?? 0;
    if (n !== this.received + 1) return this.cut('frames from the owner were lost: reconnect and resume');
    this.received = n;
    const frame = this.pieces.add(message.data, fields.more === true);
    // The owner's frames are JSON text: written as text frames, never decoded here.
    if (frame !== undefined) this.socket.send(frame, { binary: false }, () => this.wrote(n));
  }

  /** Closes the client's socket with RELAY_LOST (reconnect and resume) and tells the owner it ended. */
  cut(reason: string): void {
    if (this.ended) return;
    closeWithin(this.socket, CLOSE_CODES.RELAY_LOST, reason);
    this.end(CLOSE_CODES.RELAY_LOST);
  }

  private fromClient(data: Buffer, binary: boolean): void {
    if (this.ended) return;
    if (this.early === undefined) return this.forward(data, binary);
    this.early.push({ data, binary });
    if (this.early.length > MAX_EARLY_FRAMES) this.cut('too many frames before the connection opened');
  }

  /** A frame too large for any request is sent as its size only: the owner refuses it unread (LIMIT-1). */
  private forward(data: Buffer, binary: boolean): void {
    const size = data.length;
    const pieces = piecesOf(
      size > FRAME_LIMITS.maxBytes ? Buffer.alloc(0) : data,
      this.nats.info?.max_payload,
    );
    pieces.forEach((piece, i) => {
      const more = i < pieces.length - 1;
      this.publish(piece, { kind: 'f', n: ++this.sent, more, binary, size });
    });
  }

  private wrote(n: number): void {
    this.written = Math.max(this.written, n);
    if (this.acknowledging) return;
    this.acknowledging = true;
    // One acknowledgement for everything written in this turn of the event loop.
    setImmediate(() => {
      this.acknowledging = false;
      if (!this.ended) this.publish('', { kind: 'a', n: this.written });
    });
  }

  private end(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.forget(this);
    publishEnd(this.nats, this.relay, this.owner, this.id, code);
  }

  private publish(payload: Buffer | string, fields: RelayHeaders): void {
    try {
      const headers = relayHeaders({ ...fields, from: this.relay });
      this.nats.publish(relaySubjects.toOwner(this.owner, this.id), payload, { headers });
    } catch {
      this.cut('the cluster is not reachable from this node: reconnect');
    }
  }
}

/** Tells `owner` that the client of relayed connection `connection` went away (close code `code`). */
function publishEnd(
  nats: NatsConnection,
  relay: string,
  owner: string,
  connection: string,
  code: number,
): void {
  try {
    const headers = relayHeaders({ kind: 'e', code, from: relay });
    nats.publish(relaySubjects.toOwner(owner, connection), '', { headers });
  } catch {
    // Not connected: the owner ends this node's connections once it stops hearing its heartbeat.
  }
}

/**
 * A node's relay of client WebSockets to the engine's owner (CLUSTER-4), used while it does not own the
 * engine. It subscribes once to what owners send its connections, and tells owners it is alive each
 * heartbeat (an owner ends the connections of a relay it stops hearing).
 */
export class ConnectionRelay {
  private readonly sockets = new Map<string, RelayedSocket>();
  private readonly subscription: Subscription;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  /** The sockets the last `cutAll` ended: their ends were published while NATS was down. */
  private cutOff: { readonly owner: string; readonly id: string }[] = [];

  constructor(
    private readonly nats: NatsConnection,
    private readonly node: string,
    heartbeatMs: number,
  ) {
    this.subscription = nats.subscribe(relaySubjects.allToRelay(node), {
      callback: (_error, message) => this.fromOwner(message),
    });
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Relays a client's socket to `owner` (a node name) until either side closes it. */
  relay(socket: WebSocket, owner: string, origin: ClientOrigin): void {
    const relayed = new RelayedSocket(this.nats, this.node, owner, socket, (s) => this.sockets.delete(s.id));
    this.sockets.set(relayed.id, relayed);
    relayed.start(origin);
  }

  /** How many client sockets this node relays now. */
  get size(): number {
    return this.sockets.size;
  }

  /** Cuts every socket relayed to another node than `owner` (the owner changed, or there is none). */
  keepOnly(owner: string | undefined, reason: string): void {
    for (const socket of [...this.sockets.values()]) if (socket.owner !== owner) socket.cut(reason);
  }

  /** Cuts every socket: messages to or from them may have been lost (NATS disconnected). */
  cutAll(reason: string): void {
    this.cutOff.push(...[...this.sockets.values()].map(({ owner, id }) => ({ owner, id })));
    this.keepOnly(undefined, reason);
  }

  /**
   * NATS is back: the ends `cutAll` published while it was down may never have reached the owners, which
   * would keep those connections open (on their boards, holding their slots) until they next send. They
   * are published again; an owner that had them ignores the repeat.
   */
  repeatCuts(): void {
    for (const { owner, id } of this.cutOff.splice(0))
      publishEnd(this.nats, this.node, owner, id, CLOSE_CODES.RELAY_LOST);
  }

  close(): void {
    this.keepOnly(undefined, 'this node stops relaying: reconnect');
    clearInterval(this.heartbeat);
    this.subscription.unsubscribe();
  }

  /**
   * An owner's message for one of this node's connections. One for a connection this node no longer
   * relays (its end was lost on the way) is answered with the end, so that the owner closes its side; an
   * owner's close needs no answer.
   */
  private fromOwner(message: Msg): void {
    const id = connectionOf(message.subject);
    const socket = this.sockets.get(id);
    if (socket !== undefined) return socket.fromOwner(message);
    const { kind, from } = readRelayHeaders(message.headers);
    if (kind !== 'c' && from !== undefined)
      publishEnd(this.nats, this.node, from, id, CLOSE_CODES.RELAY_LOST);
  }

  private beat(): void {
    try {
      this.nats.publish(relaySubjects.alive(this.node));
    } catch {
      // Not connected now: the owner may end this node's connections; their clients reconnect.
    }
  }
}

function bufferOf(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
