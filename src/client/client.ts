import type { AnyCommandInput, ResultOf } from '../protocol/commands/index.js';
import { SESSION_COMMANDS } from '../protocol/session-commands.js';
import type { BroadcastMessage, Notice, ServerMessage, Welcome } from '../protocol/envelope.js';
import type { ErrorCode } from '../protocol/errors.js';
import { PROTOCOL_VERSION, TRUINLAG_VERSION } from '../protocol/version.js';
import { AsyncQueue } from './broadcast-stream.js';
import { TruinlagError } from './errors.js';
import type { ConnectionState } from './connection-state.js';
import { helloOptionsProblem, requestIdProblem } from './option-checks.js';
import type { ClientOptions, RequestOptions } from './options.js';
import { RatePacer } from './rate-pacer.js';
import { SilenceWatch } from './silence-watch.js';
import type { ClientTransport } from './transport.js';

interface Pending {
  readonly frame: string;
  readonly answer: Promise<unknown>;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: TruinlagError) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
}

type Listener<T> = (value: T) => void;

/**
 * The typed truinlag client. `request` resolves with the command's typed result or rejects with a
 * TruinlagError. Broadcasts arrive in order, once each, as listeners and as async iterables, also across
 * reconnects: the client resumes every stream from its last sequence number and re-sends unanswered
 * requests with their original ids, so an action sent once takes effect once (IDEMPOTENCY-1, RESUME-2).
 */
export class TruinlagClient {
  readonly clientId: string;
  /** The last broadcast sequence number seen per stream. */
  readonly lastSeq = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  /** Requests refused as RATE_LIMITED, sent again at the pace the server asks (the `retryRateLimited` option). */
  private readonly pacer = new RatePacer(
    () => this.pending.keys(),
    (id) => this.sendPending(id),
  );
  /** Gives up a connection that went silent (SilenceWatch). */
  private readonly silence: SilenceWatch;
  private readonly broadcastListeners = new Set<Listener<BroadcastMessage>>();
  private readonly noticeListeners = new Set<Listener<Notice>>();
  private readonly connectionListeners = new Set<Listener<ConnectionState>>();
  private state: ConnectionState = { status: 'connecting', attempt: 0 };
  private readonly idPrefix = randomHex(6);
  private transport: ClientTransport | undefined;
  private welcomed = false;
  /** Whether the current connection's hello asked to resume (`since`). */
  private resuming = false;
  /** Whether the last hello sent has had no welcome yet: a MALFORMED without an id now refuses it. */
  private helloUnanswered = false;
  private closed = false;
  private nextId = 1;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private halves = 0;
  private firstWelcome: { resolve: (w: Welcome) => void; reject: (e: Error) => void } | undefined;
  /** Who waits for the welcome that answers a hello re-sent on a live connection (login, logout). */
  private welcomeWaiters: { resolve: (w: Welcome) => void; reject: (e: Error) => void }[] = [];
  /** The token the next hello carries: the `token` option, then whatever `login` got. */
  private currentToken: string | undefined;
  /** Set when the server refused the hello itself (a bad token, an invalid hello): reconnecting cannot help. */
  private refusal: TruinlagError | undefined;
  /** Resolves with the server's welcome on the first successful handshake. */
  readonly ready: Promise<Welcome>;
  welcome: Welcome | undefined;

  /**
   * Use `connect` (from `truinlag/client` or `truinlag/client/browser`), which picks the transport.
   * `openTransport` makes a new connection for each (re)connect. Throws a MALFORMED TruinlagError for
   * options the server would refuse the hello for (PROTOCOL-9), such as a `clientId` of the wrong length.
   */
  constructor(
    private readonly openTransport: () => ClientTransport,
    private readonly options: ClientOptions = {},
  ) {
    const problem = helloOptionsProblem(options);
    if (problem !== undefined) throw problem;
    this.clientId = options.clientId ?? `c-${randomHex(12)}`;
    this.currentToken = options.token;
    this.silence = new SilenceWatch(
      options.silenceMs ?? DEFAULT_SILENCE_MS,
      () => this.probe(),
      () => this.giveUp(),
    );
    for (const [stream, seq] of Object.entries(options.since ?? {})) this.lastSeq.set(stream, seq);
    this.ready = new Promise((resolve, reject) => (this.firstWelcome = { resolve, reject }));
    this.ready.catch(() => undefined);
    this.open();
  }

  /**
   * Sends a command; the session defaults to the client's for session-scoped commands. Until the
   * connection is open the request waits, and it is re-sent under the same id after a reconnect.
   */
  request<C extends AnyCommandInput>(command: C, options: RequestOptions = {}): Promise<ResultOf<C['type']>> {
    if (this.closed) return Promise.reject(TruinlagError.client('CLOSED'));
    const badId = options.id === undefined ? undefined : requestIdProblem(options.id);
    if (badId !== undefined) return Promise.reject(badId);
    const id = options.id ?? this.newRequestId();
    const inFlight = this.pending.get(id);
    if (inFlight !== undefined) return inFlight.answer as Promise<ResultOf<C['type']>>;
    const session =
      options.session ??
      (SESSION_COMMANDS.has(command.type)
        ? (this.options.session ?? this.welcome?.session ?? undefined)
        : undefined);
    const frame = JSON.stringify({
      type: 'request',
      id,
      ...(session === undefined ? {} : { session }),
      command,
    });
    let settle!: Pick<Pending, 'resolve' | 'reject'>;
    const answer = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
    const timeoutMs = this.options.requestTimeoutMs ?? 60_000;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => this.settle(id, TruinlagError.client('TIMEOUT')), timeoutMs)
        : undefined;
    this.pending.set(id, { frame, answer, ...settle, timer });
    if (this.pacer.holding) this.pacer.hold(id);
    else if (this.welcomed) this.transport?.send(frame);
    return answer as Promise<ResultOf<C['type']>>;
  }

  /**
   * A new request id, unique to this client and ordered by time: for a caller that stores an action
   * under its id before sending it (`request(command, { id })`).
   */
  newRequestId(): string {
    return requestId(this.idPrefix, this.nextId++);
  }

  /** Where the connection stands now; `onConnection` tells of every change. */
  get connection(): ConnectionState {
    return this.state;
  }

  /**
   * The position on every broadcast stream (the last sequence number seen): persist it and pass it as
   * the `since` option of a later `connect` to resume from there.
   */
  get since(): Record<string, number> {
    return Object.fromEntries(this.lastSeq);
  }

  /** The token the connection says hello with (after `login`, the player's token: keep it to resume). */
  get token(): string | undefined {
    return this.currentToken;
  }

  /**
   * Logs in as the player with this passphrase (AUTH-5): the server returns a resumable token, and this
   * same connection says hello again with it, so that it is that player's connection from the new
   * welcome on (and every reconnect says hello with the token). Resolves once the new welcome is in.
   */
  async login(passphrase: string): Promise<ResultOf<'auth.login'>> {
    const result = await this.request({ type: 'auth.login', passphrase });
    this.currentToken = result.token;
    await this.rehello();
    return result;
  }

  /**
   * Ends a player login: the server deletes the token, and the connection says hello again without it,
   * as a guest. A connection opened with the admin token stays an admin connection.
   */
  async logout(): Promise<void> {
    const { loggedOut } = await this.request({ type: 'auth.logout' });
    if (!loggedOut) return;
    this.currentToken = undefined;
    await this.rehello();
  }

  onBroadcast(listener: Listener<BroadcastMessage>): () => void {
    this.broadcastListeners.add(listener);
    return () => this.broadcastListeners.delete(listener);
  }

  onNotice(listener: Listener<Notice>): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Calls `listener` on every change of `connection` (see ConnectionState); returns the unsubscribe. */
  onConnection(listener: Listener<ConnectionState>): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Broadcasts as an async iterable; ending the iteration (break/return) unsubscribes. */
  broadcasts(): AsyncIterableIterator<BroadcastMessage> {
    let unsubscribe: () => void = () => undefined;
    const queue = new AsyncQueue<BroadcastMessage>(() => unsubscribe());
    unsubscribe = this.onBroadcast((b) => queue.push(b));
    return queue;
  }

  /**
   * The sending and receiving halves, usable and releasable independently: the connection stays up
   * until both are released (or `close` is called).
   */
  split(): {
    sender: { request: TruinlagClient['request']; release: () => void };
    receiver: { broadcasts: () => AsyncIterableIterator<BroadcastMessage>; release: () => void };
  } {
    this.halves += 2;
    const releaseOnce = (): (() => void) => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--this.halves === 0) this.close();
      };
    };
    const iterators: AsyncIterableIterator<BroadcastMessage>[] = [];
    const releaseReceiver = releaseOnce();
    return {
      sender: { request: (command, options) => this.request(command, options), release: releaseOnce() },
      receiver: {
        broadcasts: () => {
          const it = this.broadcasts();
          iterators.push(it);
          return it;
        },
        release: () => {
          for (const it of iterators) void it.return?.();
          releaseReceiver();
        },
      },
    };
  }

  /** Closes the connection for good; pending requests reject with CLOSED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.silence.stop();
    this.pacer.clear();
    for (const id of [...this.pending.keys()]) this.settle(id, TruinlagError.client('CLOSED'));
    this.firstWelcome?.reject(TruinlagError.client('CLOSED'));
    this.rejectWelcomeWaiters(TruinlagError.client('CLOSED'));
    this.transport?.close();
    this.transport = undefined;
    this.setState({ status: 'closed', reason: TruinlagError.client('CLOSED'), reconnecting: false });
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.connectionListeners) listener(state);
  }

  private open(): void {
    this.setState({ status: 'connecting', attempt: this.attempt });
    const transport = this.openTransport();
    this.transport = transport;
    this.silence.start();
    transport.onOpen = () => this.sayHello(transport);
    transport.onMessage = (text) => this.receive(text);
    transport.onClose = () => this.lost(transport);
  }

  private sayHello(transport: ClientTransport): void {
    const since = this.since;
    this.resuming = this.lastSeq.size > 0;
    this.helloUnanswered = true;
    transport.send(
      JSON.stringify({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        client: this.clientId,
        ...(this.currentToken === undefined ? {} : { token: this.currentToken }),
        ...(this.lastSeq.size === 0 ? {} : { since }),
        ...(this.options.broadcasts === false ? { broadcasts: false } : {}),
        app: { name: this.options.appName ?? DEFAULT_APP_NAME, version: TRUINLAG_VERSION },
      }),
    );
  }

  /**
   * Says hello again with the current token. On a live connection the server re-decides the role
   * there and answers with a new welcome; requests sent before it run with the old role, requests
   * sent after it with the new one. Without a connection the next reconnect's hello does it.
   */
  private rehello(): Promise<Welcome> {
    const next = new Promise<Welcome>((resolve, reject) => this.welcomeWaiters.push({ resolve, reject }));
    if (this.welcomed && this.transport !== undefined) this.sayHello(this.transport);
    return next;
  }

  private rejectWelcomeWaiters(error: Error): void {
    for (const waiter of this.welcomeWaiters.splice(0)) waiter.reject(error);
  }

  private receive(text: string): void {
    this.silence.heard();
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'welcome': {
        // A welcome answering a hello re-sent on a live connection (login, logout) changes the role
        // only: the requests in flight were already sent on this connection.
        const fresh = !this.welcomed;
        this.welcomed = true;
        this.helloUnanswered = false;
        this.attempt = 0;
        this.welcome = message;
        // A fresh start begins at the streams' current positions, so that everything after them can be
        // resumed, also on streams nothing has arrived on yet. (When resuming, the server sends streams
        // missing from `since` from their start.)
        if (!this.resuming)
          for (const [stream, seq] of Object.entries(message.seq)) this.lastSeq.set(stream, seq);
        this.firstWelcome?.resolve(message);
        for (const waiter of this.welcomeWaiters.splice(0)) waiter.resolve(message);
        if (fresh) {
          this.pacer.clear();
          for (const pending of this.pending.values()) this.transport?.send(pending.frame);
        }
        this.setState({ status: 'open', welcome: message });
        return;
      }
      case 'response':
        if (message.ok) this.settle(message.id, undefined, message.result);
        else this.refusedOrSettled(message.id, TruinlagError.fromProtocol(message.error));
        return;
      case 'broadcast':
        this.deliver(message);
        return;
      case 'notice':
        for (const listener of this.noticeListeners) listener(message);
        if (message.notice === 'resync' && message.stream !== undefined) {
          // Our position on this stream means nothing to the server any more (too old, or ahead of a
          // restored store): forget it, so the next broadcasts are not mistaken for repeats.
          this.lastSeq.set(message.stream, 0);
          void this.resync(message.stream);
        }
        return;
      case 'error': {
        const error = TruinlagError.fromProtocol(message.error);
        if (message.id !== null) {
          this.refusedOrSettled(message.id, error);
          return;
        }
        if (this.refusesHello(message.error.code)) {
          this.refusal = error;
          this.rejectWelcomeWaiters(error);
          // The server keeps the connection open after a hello that is not valid (PROTOCOL-9): the client
          // ends it, and gives up with the server's error as for any refused hello.
          this.transport?.close();
        }
        if (!this.welcomed) this.firstWelcome?.reject(error);
        return;
      }
    }
  }

  /**
   * Whether a connection-level error refuses the hello itself (a bad or ended token, another protocol, an
   * app too old for the server, a hello that is not valid): saying hello again would be refused again.
   * Every other frame this client sends carries a request id the server can read (a caller's id is
   * checked before sending), so a MALFORMED without an id while a hello is unanswered refuses that hello.
   */
  private refusesHello(code: ErrorCode): boolean {
    return HELLO_REFUSALS.has(code) || (code === 'MALFORMED' && this.helloUnanswered);
  }

  /** Delivers each broadcast once: anything at or below the stream's last seen number is a repeat. */
  private deliver(message: BroadcastMessage): void {
    const stream = message.session === null ? 'global' : String(message.session);
    if (message.seq <= (this.lastSeq.get(stream) ?? 0)) return;
    this.lastSeq.set(stream, message.seq);
    for (const listener of this.broadcastListeners) listener(message);
  }

  private async resync(stream: string): Promise<void> {
    const snapshot = this.options.resync ?? defaultResync;
    try {
      const seq = await snapshot(this, stream);
      for (const [key, value] of Object.entries(seq))
        this.lastSeq.set(key, Math.max(this.lastSeq.get(key) ?? 0, value));
    } catch {
      // The snapshot failed (connection lost again): the next reconnect asks again.
    }
  }

  /** A refusal for now (RATE_LIMITED with a wait) is sent again later; any other error is the answer. */
  private refusedOrSettled(id: string, error: TruinlagError): void {
    const retryAfterMs = error.details?.retryAfterMs;
    const retry = this.options.retryRateLimited ?? true;
    if (retry && error.code === 'RATE_LIMITED' && typeof retryAfterMs === 'number' && this.pending.has(id))
      this.pacer.refused(id, retryAfterMs);
    else this.settle(id, error);
  }

  private sendPending(id: string): void {
    const pending = this.pending.get(id);
    if (pending !== undefined && this.welcomed) this.transport?.send(pending.frame);
  }

  private settle(id: string, error: TruinlagError | undefined, result?: unknown): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    this.pacer.forget(id);
    clearTimeout(pending.timer);
    if (error === undefined) pending.resolve(result);
    else pending.reject(error);
  }

  private lost(transport: ClientTransport): void {
    if (this.transport !== transport) return;
    this.silence.stop();
    this.transport = undefined;
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    if (this.closed) return;
    if (this.options.reconnect === false || this.refusal !== undefined) {
      // A refused hello is refused again on every reconnect: give up, with the server's reason.
      const error = this.refusal ?? TruinlagError.client('DISCONNECTED');
      for (const id of [...this.pending.keys()]) this.settle(id, error);
      this.firstWelcome?.reject(error);
      this.rejectWelcomeWaiters(error);
      this.closed = true;
      this.setState({ status: 'closed', reason: error, reconnecting: false });
      return;
    }
    if (wasWelcomed)
      this.setState({ status: 'closed', reason: TruinlagError.client('DISCONNECTED'), reconnecting: true });
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 100, maxMs: 10_000 };
    const wait = Math.min(maxMs, initialMs * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => this.open(), wait);
  }

  /** Asks a quiet connection for a sign of life: a text-less ping, whose answer nobody waits for. */
  private probe(): void {
    if (!this.welcomed) return;
    const frame = { type: 'request', id: this.newRequestId(), command: { type: 'ping' } };
    this.transport?.send(JSON.stringify(frame));
  }

  /** The connection went silent: it is given up now (its close may take minutes), and reopened. */
  private giveUp(): void {
    const transport = this.transport;
    if (transport === undefined) return;
    transport.close();
    this.lost(transport);
  }
}

/** How long a connection may stay silent before it is given up (see the `silenceMs` option). */
const DEFAULT_SILENCE_MS = 20_000;

/** The app name a hello carries when the caller names none. */
const DEFAULT_APP_NAME = 'truinlag-client';

/** Connection-level errors that refuse the hello itself: reconnecting cannot help. */
const HELLO_REFUSALS: ReadonlySet<ErrorCode> = new Set([
  'UNAUTHORISED',
  'VERSION_MISMATCH',
  'CLIENT_TOO_OLD',
]);

/** A snapshot that says which broadcasts it reflects: the global state for admins, the session's for players. */
const defaultResync = async (client: TruinlagClient): Promise<Record<string, number>> => {
  const welcome = client.welcome;
  if (welcome?.role === 'admin') return (await client.request({ type: 'state.get' })).seq;
  if (welcome?.role === 'player' && welcome.session !== null)
    return (await client.request({ type: 'session.state' }, { session: welcome.session })).seq;
  return {};
};

function randomHex(bytes: number): string {
  const values = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(values);
  return [...values].map((v) => v.toString(16).padStart(2, '0')).join('');
}

/**
 * A request id unique to this client: its random prefix and a counter, after the time in base 36 (eight
 * digits until 2059, so the ids of all clients sort by time). The server keeps answers keyed by request
 * id first, and time-ordered ids let it add them at the end of that order (much cheaper commits).
 */
function requestId(prefix: string, counter: number): string {
  return `${Date.now().toString(36)}-${prefix}-${counter}`;
}
