import { randomUUID } from 'node:crypto';
import { decodeClientMessage, type DecodedClientMessage } from '../protocol/codec.js';
import type { Hello } from '../protocol/envelope.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { Actor } from '../engine/handler.js';
import type { PassphraseSealer } from '../runtime/passphrase.js';
import type { FrameKind, Peer } from '../runtime/peer.js';
import type { Runtime } from '../runtime/runtime.js';
import { CLOSE_CODES } from './close-codes.js';
import { OutboundQueue, type FrameSink } from './outbound-queue.js';

/** What a transport gives a connection: a frame sink, a way to close, and the connection's trust level. */
export interface TransportSide extends FrameSink {
  close(code: number, reason: string): void;
  /** The local Unix socket is trusted as admin (D5); WebSocket clients authenticate with a token. */
  readonly trusted: boolean;
}

export interface ConnectionServices {
  readonly runtime: Runtime;
  readonly sealer: PassphraseSealer;
  readonly adminToken: string;
  readonly maxQueueBytes: number;
  readonly onClosed?: (connection: Connection) => void;
}

/**
 * One client connection's I/O handler: decodes frames, relays requests into the engine's mailbox, and
 * writes the engine's frames out through a bounded queue. It holds no game state.
 */
export class Connection implements Peer {
  readonly id = randomUUID();
  actor: Actor = { kind: 'admin' };
  session: number | null = null;
  private clientKey: string | undefined;
  private readonly queue: OutboundQueue;
  private closed = false;

  constructor(
    private readonly side: TransportSide,
    private readonly services: ConnectionServices,
  ) {
    this.queue = new OutboundQueue(side, services.maxQueueBytes, () =>
      this.close(CLOSE_CODES.SLOW_CONSUMER, 'outbound queue overflow: reconnect and resume'),
    );
  }

  /** Handles one inbound frame's text. Bad input gets a typed error; the connection stays usable. */
  receive(text: string): void {
    if (this.closed) return;
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      this.sendError(decoded.id, decoded.error);
      return;
    }
    this.handle(decoded.message);
  }

  /** A frame too large to decode: answered without reading it. */
  refuseTooLarge(): void {
    this.sendError(null, makeError('TOO_LARGE'));
  }

  send(frame: string, _kind: FrameKind): void {
    this.queue.push(frame);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.services.runtime.detach(this);
    this.side.close(code, reason);
    this.services.onClosed?.(this);
  }

  /** The transport saw the connection end. */
  ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.services.runtime.detach(this);
    this.services.onClosed?.(this);
  }

  private handle(message: DecodedClientMessage): void {
    if (message.kind === 'hello') {
      this.hello(message.hello);
      return;
    }
    if (this.clientKey === undefined) {
      this.sendError(message.id, makeError('HELLO_REQUIRED'));
      return;
    }
    this.services.runtime.submit({
      source: 'client',
      peer: this,
      reply: { clientKey: this.clientKey, requestId: message.id },
      command: this.services.sealer.sealCommand(message.command),
      session: message.session,
    });
  }

  private hello(hello: Hello): void {
    if (hello.protocol !== PROTOCOL_VERSION) {
      this.sendError(null, makeError('VERSION_MISMATCH', `The server speaks protocol ${PROTOCOL_VERSION}.`));
      this.close(CLOSE_CODES.VERSION_MISMATCH, 'protocol version mismatch');
      return;
    }
    if (hello.token !== undefined && !this.side.trusted && hello.token !== this.services.adminToken) {
      this.sendError(null, makeError('UNAUTHORISED', 'The token is not valid.'));
      this.close(CLOSE_CODES.UNAUTHORISED, 'bad token');
      return;
    }
    const runtime = this.services.runtime;
    if (this.clientKey !== undefined) runtime.detach(this);
    // Until player logins exist every connection acts as the game master (issue 2); the role is decided
    // here and nowhere else, so player connections only change this method.
    this.actor = { kind: 'admin' };
    this.clientKey = `admin/${hello.client ?? `connection:${this.id}`}`;
    runtime.attach(this);
    this.queue.push(
      JSON.stringify({
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        role: 'admin',
        connection: this.id,
        player: null,
        serverTime: Date.now(),
        seq: runtime.positions(this),
      }),
    );
    if (hello.since !== undefined) runtime.resume(this, hello.since);
  }

  private sendError(id: string | null, error: ProtocolError): void {
    this.queue.push(
      JSON.stringify(id === null ? { type: 'error', id, error } : { type: 'response', id, ok: false, error }),
    );
  }
}
