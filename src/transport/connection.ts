import { randomUUID } from 'node:crypto';
import {
  decodeClientMessage,
  FRAME_LIMITS,
  tooLarge,
  type DecodedClientMessage,
  type FrameLimits,
} from '../protocol/codec.js';
import type { Command } from '../protocol/commands/index.js';
import { encodeError, encodeWelcome } from '../protocol/encode.js';
import type { ConnectionStatus } from '../protocol/connections.js';
import type { App, Hello, Role } from '../protocol/envelope.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import { PRE_HELLO_FRAME_BYTES, PROTOCOL_VERSION } from '../protocol/version.js';
import type { Actor } from '../engine/handler.js';
import type { Clock } from '../runtime/clock.js';
import { weakPassphraseError, type PassphraseSealer } from '../runtime/passphrase.js';
import type { FrameKind, Peer } from '../runtime/peer.js';
import type { Runtime } from '../runtime/runtime.js';
import { actorOfToken } from '../runtime/tokens.js';
import type { Slot } from './address-slots.js';
import { CLOSE_CODES } from './close-codes.js';
import type { Edge } from './edge.js';
import { endReasonOf } from './end-reason.js';
import { LoginWatch } from './login-watch.js';
import type {
  ConnectionEnd,
  ConnectionInfo,
  ConnectionObserver,
  ConnectionRole,
  TransportKind,
} from './observer.js';
import { OutboundQueue, type FrameSink } from './outbound-queue.js';
import { RequestGate, type Refusal } from './request-gate.js';
import { clientTooOld } from './version-gate.js';

/** What a transport gives a connection: a frame sink, a way to close, and the connection's trust level. */
export interface TransportSide extends FrameSink {
  close(code: number, reason: string): void;
  /** The local Unix socket is trusted as admin (AUTH-1); WebSocket clients authenticate with a token. */
  readonly trusted: boolean;
  readonly transport: TransportKind;
  /** Writes out at once what the transport holds back to write together (see Peer.flush). */
  flush?(): void;
  /** The peer's address, for logs (`local` on the Unix socket). */
  readonly remote: string;
  /** Where the client is, as limits count it (LIMIT-6 to LIMIT-8); `local` for the Unix socket. */
  readonly address: string;
  /** The connection's place in its address's count (WebSocket): given up when it ends or is an admin. */
  readonly slot?: Slot;
  /** The cluster node whose socket this connection is relayed from (CLUSTER-4), if it is relayed. */
  readonly via?: string;
}

/** One inbound frame: its size in bytes, and its text, read only if the frame is going to be decoded. */
export interface InboundFrame {
  readonly bytes: number;
  text(): string;
}

/** The limits of a frame before the hello (LIMIT-1): small, so that a stranger's frames cost little. */
const PRE_HELLO_LIMITS: FrameLimits = { ...FRAME_LIMITS, maxBytes: PRE_HELLO_FRAME_BYTES };

export interface ConnectionServices {
  readonly runtime: Runtime;
  /** The runtime's clock: the welcome tells the client the server's time by it. */
  readonly clock: Clock;
  readonly sealer: PassphraseSealer;
  readonly adminToken: string;
  readonly maxQueueBytes: number;
  /** The limits at the edge, kept across connections (the LIMIT rules). */
  readonly edge: Edge;
  /** The oldest client version a hello may name (PROTOCOL-7). */
  readonly minClientVersion: string;
  /** Where opening, roles, closing, refusals and queued bytes are reported (metrics and logs). */
  readonly observer: ConnectionObserver;
}

/**
 * One client connection's I/O handler: decodes frames, relays requests into the engine's mailbox, and
 * writes the engine's frames out through a bounded queue. It holds no game state.
 */
export class Connection implements Peer, ConnectionInfo {
  readonly id = randomUUID();
  /** Decided by the hello (and only there): admin, a player, or a guest (AUTH-1). */
  actor: Actor = { kind: 'guest' };
  /** Set by the hello: false for a command-only connection. */
  broadcasts = true;
  /** The role its last accepted hello gave it (`none` before one). */
  role: ConnectionRole = 'none';
  private clientKey: string | undefined;
  /** The app its last accepted hello named (OPS-3). */
  private app: App | null = null;
  private readonly openedAt: number;
  private lastSeenAt: number;
  private readonly queue: OutboundQueue;
  private readonly gate: RequestGate;
  private readonly logins: LoginWatch;
  private readonly helloDeadline: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly side: TransportSide,
    private readonly services: ConnectionServices,
  ) {
    this.queue = new OutboundQueue(
      side,
      services.maxQueueBytes,
      () => this.close(CLOSE_CODES.SLOW_CONSUMER, 'outbound queue overflow: reconnect and resume'),
      services.observer.outbound,
    );
    this.gate = new RequestGate(services.edge, side.address, side.trusted ? 'admin' : 'guest');
    // A failed login is logged by the observer, as every refused login is (OPS-2).
    this.logins = new LoginWatch(services.edge.logins);
    this.helloDeadline = setTimeout(() => this.helloTimedOut(), services.edge.limits.helloTimeoutMs);
    this.helloDeadline.unref();
    this.openedAt = this.lastSeenAt = services.clock.now();
    services.observer.opened(this);
    services.runtime.connections.opened(this);
  }

  /** How the connection stands now, for `admin.connections` (OPS-3): never its token or what it sent. */
  status(): ConnectionStatus {
    const actor = this.actor;
    return {
      id: this.id,
      transport: this.transport,
      ...(this.side.via === undefined ? {} : { via: this.side.via }),
      role: this.role,
      player: actor.kind === 'player' ? actor.player : null,
      gameMaster: actor.kind === 'admin' ? (actor.gm ?? null) : null,
      app: this.app,
      openedAt: this.openedAt,
      lastSeenAt: this.lastSeenAt,
      queuedBytes: this.queue.queuedBytes,
    };
  }

  get transport(): TransportKind {
    return this.side.transport;
  }

  get remote(): string {
    return this.side.remote;
  }

  /**
   * Handles one inbound frame. The cheap checks come first (LIMIT-7, then LIMIT-1 and LIMIT-2 in the
   * codec), so that a refused frame costs next to nothing. Bad input gets a typed error; the connection
   * stays usable.
   */
  receive(frame: InboundFrame): void {
    if (this.closed) return;
    this.lastSeenAt = this.services.clock.now();
    const refusal = this.gate.admit(frame.bytes, this.clientKey !== undefined);
    if (refusal !== undefined) {
      this.refuseForRate(frame, refusal);
      return;
    }
    const limits = this.limits();
    if (frame.bytes > limits.maxBytes) {
      this.sendError(null, tooLarge(limits.maxBytes));
      return;
    }
    const decoded = decodeClientMessage(frame.text(), limits, frame.bytes);
    if (!decoded.ok) {
      this.sendError(decoded.id, decoded.error);
      return;
    }
    this.handle(decoded.message);
  }

  /** A player connection's session is the player's session now (an admin may move the player). */
  get session(): number | null {
    if (this.actor.kind !== 'player') return null;
    return this.services.runtime.current.tables.player.get(this.actor.player)?.session ?? null;
  }

  send(frame: string, kind: FrameKind): void {
    if (kind === 'response') this.logins.seen(frame);
    this.queue.push(frame);
  }

  flush(): void {
    this.side.flush?.();
  }

  /** The server ends the connection (a cut-off: the code and reason are reported and sent). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.finish({ by: 'server', code, reason });
    this.side.close(code, reason);
  }

  /**
   * The transport saw the connection end (the client closed it, or the socket failed): nothing more is
   * sent, and the runtime forgets it. `code` is the WebSocket close code (0 on the Unix socket); `reason`
   * is the server's own words (a socket error), never text the client sent.
   */
  ended(code = 0, reason = ''): void {
    this.finish({ by: 'client', code, reason });
  }

  private finish(end: ConnectionEnd): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloDeadline);
    this.side.slot?.release();
    this.queue.close();
    this.services.runtime.detach(this);
    const ending = { by: end.by, code: end.code, text: end.reason, reason: endReasonOf(end) };
    this.services.runtime.connections.closed(this, ending);
    this.services.observer.closed(this, end);
  }

  private limits(): FrameLimits {
    return this.clientKey === undefined ? PRE_HELLO_LIMITS : FRAME_LIMITS;
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
    const refused = this.passphraseRefusal(message.command) ?? this.loginRefusal(message.id, message.command);
    if (refused !== undefined) {
      this.sendError(message.id, refused);
      return;
    }
    this.services.runtime.submit({
      source: 'client',
      peer: this,
      // The role the connection had when the request arrived, also if a later hello changes it.
      actor: this.actor,
      reply: { clientKey: this.clientKey, requestId: message.id },
      command: this.services.sealer.sealCommand(message.command),
      session: message.session,
    });
  }

  /**
   * A new passphrase that is too weak (AUTH-10). Only admins may set passphrases (AUTH-2): anyone else's
   * `player.add` or `player.edit` goes on to the engine, which refuses it as UNAUTHORISED as it should.
   */
  private passphraseRefusal(command: Command): ProtocolError | undefined {
    return this.actor.kind === 'admin' ? weakPassphraseError(command) : undefined;
  }

  /** A login by anyone but an admin is charged to the throttle (LIMIT-8); refused while it is spent. */
  private loginRefusal(requestId: string, command: Command): ProtocolError | undefined {
    if (command.type !== 'auth.login' || this.actor.kind === 'admin') return undefined;
    const address = this.side.address;
    const account = this.services.sealer.lookup(command.passphrase);
    const retryAfterMs = this.logins.start(requestId, { address, account });
    if (retryAfterMs === 0) return undefined;
    this.services.observer.rateLimited(this, 'login');
    return makeError('LOGIN_THROTTLED', undefined, { retryAfterMs });
  }

  /**
   * A frame over the request budget (LIMIT-7). A small one is decoded for its request id, so that the
   * client can match the refusal; a large one is not read at all. A client that goes on sending while
   * refused for longer than its whole budget is cut off.
   */
  private refuseForRate(frame: InboundFrame, refusal: Refusal): void {
    this.services.observer.rateLimited(this, `requests-per-${refusal.scope}`);
    const id = frame.bytes <= PRE_HELLO_FRAME_BYTES ? requestIdOf(frame.text()) : null;
    const { retryAfterMs, scope } = refusal;
    this.sendError(id, makeError('RATE_LIMITED', undefined, { retryAfterMs, scope }));
    if (refusal.persistent) this.close(CLOSE_CODES.RATE_LIMITED, 'request rate exceeded');
  }

  /** No hello within the deadline (LIMIT-5): the connection only held a socket, and is closed. */
  private helloTimedOut(): void {
    if (this.closed || this.clientKey !== undefined) return;
    const limitMs = this.services.edge.limits.helloTimeoutMs;
    this.sendError(null, makeError('HELLO_TIMEOUT', undefined, { limitMs }));
    this.close(CLOSE_CODES.HELLO_TIMEOUT, 'no hello in time');
  }

  private hello(hello: Hello): void {
    if (hello.protocol !== PROTOCOL_VERSION) {
      this.sendError(null, makeError('VERSION_MISMATCH', `The server speaks protocol ${PROTOCOL_VERSION}.`));
      this.close(CLOSE_CODES.VERSION_MISMATCH, 'protocol version mismatch');
      return;
    }
    const tooOld = clientTooOld(hello, this.services.minClientVersion);
    if (tooOld !== undefined) {
      this.sendError(null, tooOld);
      this.close(CLOSE_CODES.CLIENT_TOO_OLD, 'client too old: update it');
      return;
    }
    const identity = this.identify(hello.token);
    if (identity === undefined) {
      this.sendError(null, makeError('UNAUTHORISED', 'The token is not valid.'));
      this.close(CLOSE_CODES.UNAUTHORISED, 'bad token');
      return;
    }
    const runtime = this.services.runtime;
    // A second hello on the same connection (after auth.login, or auth.logout) re-decides the role.
    if (this.clientKey !== undefined) runtime.detach(this);
    clearTimeout(this.helloDeadline);
    this.gate.become(identity.role);
    // Admins are trusted: they do not count against their address's connections (LIMIT-6).
    if (identity.role === 'admin') this.side.slot?.release();
    this.actor = identity.actor;
    this.broadcasts = hello.broadcasts ?? true;
    this.app = hello.app ?? null;
    this.clientKey = identity.clientKey(hello.client);
    const previous = this.role;
    this.role = identity.role;
    this.services.observer.identified(this, previous);
    runtime.attach(this);
    this.queue.push(
      encodeWelcome({
        role: identity.role,
        connection: this.id,
        player: this.actor.kind === 'player' ? this.actor.player : null,
        session: this.session,
        gameMaster: this.gameMasterName(),
        serverTime: this.services.clock.now(),
        minClientVersion: this.services.minClientVersion,
        seq: runtime.positions(this),
      }),
    );
    if (hello.since !== undefined) runtime.resume(this, hello.since);
    // After the welcome: an admin's own hello tells it the board changed too (OPS-4).
    runtime.connections.identified(this);
  }

  /**
   * The role a hello's token gives (AUTH-1): the local socket is admin; over WebSocket the admin token is
   * admin, a live player token (from auth.login) is that player, no token is a guest, anything else is
   * refused. Request ids are remembered per identity (IDEMPOTENCY-2): a guest's only per connection, so that
   * nobody can fetch another guest's login answer by sending the same client and request id.
   */
  private identify(token: string | undefined): Identity | undefined {
    const named = (prefix: string) => (client: string | undefined) =>
      `${prefix}/${client ?? `connection:${this.id}`}`;
    if (this.side.trusted) return { role: 'admin', actor: { kind: 'admin' }, clientKey: named('admin') };
    if (token === undefined) {
      return { role: 'guest', actor: { kind: 'guest' }, clientKey: () => `guest/connection:${this.id}` };
    }
    const actor = actorOfToken(this.services.runtime.current, this.services.adminToken, token);
    // A game master's requests are their own (IDEMPOTENCY-2), apart from the owner's and each other's.
    if (actor?.kind === 'admin')
      return { role: 'admin', actor, clientKey: named(actor.gm === undefined ? 'admin' : `gm:${actor.gm}`) };
    if (actor?.kind === 'player')
      return { role: 'player', actor, clientKey: named(`player:${actor.player}`) };
    return undefined;
  }

  /** The name of the game-master account this connection logged in with (AUTH-7), shown by the dashboard. */
  private gameMasterName(): string | null {
    if (this.actor.kind !== 'admin' || this.actor.gm === undefined) return null;
    return this.services.runtime.current.tables.gameMaster.get(this.actor.gm)?.name ?? null;
  }

  private sendError(id: string | null, error: ProtocolError): void {
    this.services.observer.frameRefused(this, error);
    this.queue.push(encodeError(id, error));
  }
}

/** The request id of a small frame, if it has one (the frame is decoded under the limits of any frame). */
function requestIdOf(text: string): string | null {
  const decoded = decodeClientMessage(text);
  if (!decoded.ok) return decoded.id;
  return decoded.message.kind === 'request' ? decoded.message.id : null;
}

interface Identity {
  readonly role: Role;
  readonly actor: Actor;
  readonly clientKey: (client: string | undefined) => string;
}

/** What a binary WebSocket frame reads as: not JSON text, so it is refused as MALFORMED. */
export const BINARY_FRAME_TEXT = '\u0000binary';
