import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { admitConnection } from '../transport/admission.js';
import { CLOSE_CODES } from '../transport/close-codes.js';
import {
  BINARY_FRAME_TEXT,
  Connection,
  type ConnectionServices,
  type TransportSide,
} from '../transport/connection.js';
import {
  connectionOf,
  FramePieces,
  piecesOf,
  readRelayHeaders,
  relayHeaders,
  relaySubjects,
  type OpenReply,
  type OpenRequest,
} from './relay-subjects.js';

/** A relay not heard for this many heartbeats is taken for dead, and its connections are ended. */
const SILENT_BEATS = 3;

/**
 * The owner's end of one relayed connection: the transport under an ordinary Connection. Frames for the
 * client are published to the relay, each counted as written only once the relay acknowledges that it
 * wrote it to the client's socket; so the Connection's bounded outbound queue fills when the client or its
 * relay does not keep up, and cuts it off (4008) exactly as for a socket here (CLUSTER-5).
 */
class RelayedSide implements TransportSide {
  readonly trusted = false;
  readonly transport = 'ws';
  readonly remote: string;
  readonly address: string;
  readonly via: string;
  connection: Connection | undefined;
  private sent = 0;
  /** Frames published and not yet acknowledged: each with the number of its last piece. */
  private readonly unacknowledged: { readonly last: number; readonly written: () => void }[] = [];
  private received = 0;
  private readonly pieces = new FramePieces();

  constructor(
    private readonly nats: NatsConnection,
    /** The owner's node name, on every message (the relay answers one for a connection it lost). */
    private readonly node: string,
    readonly request: OpenRequest,
    readonly slot: TransportSide['slot'],
    private readonly forget: () => void,
  ) {
    this.remote = `${request.remote} via ${request.relay}`;
    this.address = request.address;
    this.via = request.relay;
  }

  write(frame: string, written: () => void): void {
    const pieces = piecesOf(Buffer.from(frame), this.nats.info?.max_payload);
    pieces.forEach((piece, i) =>
      this.publish(
        piece,
        relayHeaders({ kind: 'f', n: ++this.sent, more: i < pieces.length - 1, from: this.node }),
      ),
    );
    this.unacknowledged.push({ last: this.sent, written });
  }

  close(code: number, reason: string): void {
    publishClose(this.nats, this.node, this.request, code, reason);
    this.forget();
  }

  /** A message of the relay for this connection: a client frame, an acknowledgement, or the client's end. */
  receive(message: Msg): void {
    const connection = this.connection;
    if (connection === undefined) return;
    const fields = readRelayHeaders(message.headers);
    if (fields.kind === 'a') return this.acknowledge(fields.n ?? 0);
    if (fields.kind === 'e') {
      this.forget();
      return connection.ended(fields.code ?? 0, 'the relayed client went away');
    }
    // A frame lost on the way would leave its request unanswered: better a reconnect that re-sends it.
    if (fields.n !== this.received + 1)
      return connection.close(CLOSE_CODES.RELAY_LOST, 'relayed frames were lost: reconnect and resume');
    this.received++;
    const frame = this.pieces.add(message.data, fields.more === true);
    if (frame === undefined) return;
    const bytes = fields.size ?? frame.length;
    connection.receive({
      bytes,
      text: () => (fields.binary === true ? BINARY_FRAME_TEXT : frame.toString('utf8')),
    });
  }

  private acknowledge(upTo: number): void {
    for (
      let next = this.unacknowledged[0];
      next !== undefined && next.last <= upTo;
      next = this.unacknowledged[0]
    ) {
      this.unacknowledged.shift();
      next.written();
    }
  }

  private publish(payload: Buffer | string, headers: ReturnType<typeof relayHeaders>): void {
    publishTo(
      this.nats,
      relaySubjects.toRelay(this.request.relay, this.request.connection),
      payload,
      headers,
    );
  }
}

/** Where a relayed connection lives: the relaying node and the relay's id for it. */
type RelayedAt = Pick<OpenRequest, 'relay' | 'connection'>;

/** Tells the relay that the owner closed the connection (it closes the client's socket with `code`). */
function publishClose(nats: NatsConnection, node: string, at: RelayedAt, code: number, reason: string): void {
  const headers = relayHeaders({ kind: 'c', code, from: node });
  publishTo(nats, relaySubjects.toRelay(at.relay, at.connection), reason, headers);
}

function publishTo(
  nats: NatsConnection,
  subject: string,
  payload: Buffer | string,
  headers: ReturnType<typeof relayHeaders>,
): void {
  try {
    nats.publish(subject, payload, { headers });
  } catch {
    // The NATS connection is closed: the relay notices (its owner is gone) and closes the client.
  }
}

/**
 * The owner's side of relayed connections (CLUSTER-4): other nodes ask it over NATS to open a connection
 * for a client socket of theirs, and it runs each as an ordinary Connection (hello, auth, limits, request
 * ids, resume, broadcasts by its own audience resolution): the runtime cannot tell it from a local one.
 */
export class RelayHost {
  private readonly relayed = new Map<string, RelayedSide>();
  /** When each relaying node was last heard from (its heartbeat, or an open). */
  private readonly heard = new Map<string, number>();
  private readonly subscriptions: Subscription[] = [];
  private readonly opening: Subscription;
  private readonly sweep: ReturnType<typeof setInterval>;
  /** The connections the last `cutAll` ended: their closes were published while NATS was down. */
  private cutOff: RelayedAt[] = [];

  constructor(
    private readonly nats: NatsConnection,
    private readonly node: string,
    private readonly services: ConnectionServices,
    private readonly heartbeatMs: number,
    private readonly logger: Logger,
  ) {
    this.opening = nats.subscribe(relaySubjects.open(node), { callback: (_e, m) => this.open(m) });
    this.subscriptions.push(
      nats.subscribe(relaySubjects.allToOwner(node), {
        callback: (_e, m) => this.receive(m),
      }),
      nats.subscribe(relaySubjects.allAlive, {
        callback: (_e, m) => {
          this.heard.set(m.subject.split('.')[2] as string, Date.now());
        },
      }),
    );
    this.sweep = setInterval(() => this.endSilentRelays(), heartbeatMs);
    this.sweep.unref();
  }

  /** Opens no more connections (the server is about to shut down and close the open ones). */
  stopOpening(): void {
    this.opening.unsubscribe();
  }

  /** Stops relaying: the connections still open (those the runtime's shutdown did not close) are closed. */
  close(code: number = CLOSE_CODES.SHUTDOWN, reason = 'server shutting down'): void {
    this.stopOpening();
    clearInterval(this.sweep);
    for (const side of [...this.relayed.values()]) side.connection?.close(code, reason);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Ends every relayed connection: messages to or from them may have been lost (NATS disconnected). */
  cutAll(reason: string): void {
    const sides = [...this.relayed.values()];
    this.cutOff.push(...sides.map((side) => side.request));
    for (const side of sides) side.connection?.close(CLOSE_CODES.RELAY_LOST, reason);
  }

  /**
   * NATS is back: the closes `cutAll` published while it was down may never have reached their relays,
   * which would keep their clients' sockets open to a connection that no longer exists here (a client
   * that sends nothing would never learn it). They are published again; a relay that had them ignores
   * the repeat.
   */
  repeatCuts(reason: string): void {
    for (const at of this.cutOff.splice(0))
      publishClose(this.nats, this.node, at, CLOSE_CODES.RELAY_LOST, reason);
  }

  /**
   * A relay's message for one of its connections. One for a connection this owner does not run (its close
   * was lost, or this node restarted) is answered with the close, so that the relay ends the client's
   * socket and the client reconnects, instead of sending into nothing; a relay's end needs no answer.
   */
  private receive(message: Msg): void {
    const connection = connectionOf(message.subject);
    const side = this.relayed.get(connection);
    if (side !== undefined) return side.receive(message);
    const { kind, from } = readRelayHeaders(message.headers);
    if (kind === 'e' || from === undefined) return;
    const reason = 'the owner does not run this connection: reconnect and resume';
    publishClose(this.nats, this.node, { relay: from, connection }, CLOSE_CODES.RELAY_LOST, reason);
  }

  private open(message: Msg): void {
    const request = message.json<OpenRequest>();
    this.heard.set(request.relay, Date.now());
    const reply = (answer: OpenReply): boolean => message.respond(JSON.stringify(answer));
    const forget = (): void => void this.relayed.delete(request.connection);
    const slot = admitConnection(this.services, 'ws', request.address, (frame, code, reason) => {
      const refused = new RelayedSide(this.nats, this.node, request, undefined, () => undefined);
      refused.write(frame, () => undefined);
      refused.close(code, reason);
    });
    if (slot !== undefined) {
      const side = new RelayedSide(this.nats, this.node, request, slot, forget);
      this.relayed.set(request.connection, side);
      side.connection = new Connection(side, this.services);
    }
    // Also when refused: the refusal's frame and close are on their way to the relay, which relays them.
    reply({ ok: true });
  }

  /** A relaying node silent for a few heartbeats is gone (killed, cut off): so are its clients. */
  private endSilentRelays(): void {
    const now = Date.now();
    for (const side of [...this.relayed.values()]) {
      const heard = this.heard.get(side.request.relay) ?? 0;
      if (now - heard <= this.heartbeatMs * SILENT_BEATS) continue;
      this.logger.warn({ relay: side.request.relay }, 'relaying node silent: ending its connections');
      side.connection?.close(CLOSE_CODES.DEAD, 'relaying node silent');
    }
  }
}
