import type { TruinlagClient } from './client.js';

/** How a client behaves, whatever it connects over. */
export interface ClientOptions {
  /**
   * Admin or player token sent in the hello. Without one a WebSocket connection is a guest, which may
   * only log in (`login`) and ping; the local socket is admin without one.
   */
  readonly token?: string | undefined;
  /**
   * Stable client identity (8–64 chars) for idempotent re-sends (IDEMPOTENCY-2): an app that keeps its requests
   * across reloads (an offline outbox) persists it and passes it again. A random one per client by default.
   * A `clientId`, `token` (1–200 chars) or `appName` of another length makes `connect` throw a MALFORMED
   * TruinlagError at once, naming the option (PROTOCOL-9).
   */
  readonly clientId?: string | undefined;
  /**
   * The program's name in the hello (`app.name`, 1–64 chars; default `truinlag-client`), for the server's
   * logs. The hello's `app.version` is always the truinlag version this library is (PROTOCOL-7): a
   * server that needs a newer client refuses the connection with CLIENT_TOO_OLD (`details.minimum`).
   */
  readonly appName?: string | undefined;
  /** The session used for session-scoped commands when a request does not name one. */
  readonly session?: number | undefined;
  /** Reconnect automatically after a lost connection (default true). */
  readonly reconnect?: boolean | undefined;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number } | undefined;
  /**
   * A request the server refuses as RATE_LIMITED (LIMIT-7) is sent again under its id after the wait the
   * server names, one at a time, with later requests waiting behind it; it still rejects with TIMEOUT
   * after `requestTimeoutMs`. False: it rejects with RATE_LIMITED at once. Default true.
   */
  readonly retryRateLimited?: boolean | undefined;
  /** Reject a request with TIMEOUT after this long (default 60 s; 0 = never). */
  readonly requestTimeoutMs?: number | undefined;
  /**
   * A connection from which nothing came for this long is given up and opened anew, requests re-sent
   * under their ids: a phone in a tunnel may keep a socket that looks open while nothing gets through.
   * After half of it the client asks (a text-less `ping`), so a quiet but live connection is kept.
   * Default 20 s; 0 = never.
   */
  readonly silenceMs?: number | undefined;
  /**
   * False: a command-only connection that is sent no broadcasts (scripts, one-shot CLI calls, imports);
   * `broadcasts()` then yields nothing. Default true.
   */
  readonly broadcasts?: boolean | undefined;
  /** Where to resume broadcast streams from: a client's `since` as persisted by the caller (RESUME-1). */
  readonly since?: Readonly<Record<string, number>> | undefined;
  /**
   * Called when the server no longer has a stream's missed broadcasts: take a fresh snapshot and return
   * the sequence numbers it reflects (default: `state.get` for admins, `session.state` for players).
   */
  readonly resync?: ((client: TruinlagClient, stream: string) => Promise<Record<string, number>>) | undefined;
}

/**
 * The options of `connect`, the same in Node and the browser: a WebSocket `url` (`ws://host:port`, or a
 * list of them: the nodes of a cluster, tried in turn, one per reconnect), or — in Node only — the path
 * of the server's local Unix `socket` (trusted as admin without a token).
 */
export type ConnectOptions = ClientOptions &
  (
    | { readonly url: string | readonly string[]; readonly socket?: undefined }
    | { readonly socket: string; readonly url?: undefined }
  );

/** Per-request choices. */
export interface RequestOptions {
  /** The session for a session-scoped command (default: the client's option, else the welcome's). */
  readonly session?: number | undefined;
  /**
   * The request id (1–128 chars, else the request rejects at once with MALFORMED; default: a new
   * `newRequestId()`). An outbox that stored an action under
   * its id re-sends it under that id after a reload, with the same `clientId`: the server then applies it
   * at most once and answers with the first response (IDEMPOTENCY-1). Asking again for an id this client is still
   * waiting on returns that same pending answer.
   */
  readonly id?: string | undefined;
}
