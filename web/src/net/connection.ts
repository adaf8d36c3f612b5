import { connect, TruinlagError, type TruinlagClient } from '../../../src/client/browser.js';

export { TruinlagError, type TruinlagClient };

export interface EngineOptions {
  readonly token: string | undefined;
  /** The device's stable client id (IDEMPOTENCY-2): request ids are unique per client id, across app restarts. */
  readonly clientId: string;
  /** Where to resume the broadcast streams from: the positions the stored state reflects (RESUME-1). */
  readonly since: Readonly<Record<string, number>> | undefined;
  /** Takes a fresh snapshot when the server can no longer resume a stream; returns what it reflects. */
  readonly resync: (client: TruinlagClient) => Promise<Record<string, number>>;
}

/**
 * The one place the app connects to the engine: the client library's browser `connect` on the page's
 * own origin (the engine serves the app, so no CORS and no other host). Requests never time out: the
 * outbox keeps an action until it is answered, and the library re-sends it under its id on reconnect.
 */
export function connectToEngine(options: EngineOptions): TruinlagClient {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return connect({
    url: `${scheme}//${location.host}/`,
    token: options.token,
    clientId: options.clientId,
    since: options.since,
    resync: (client) => options.resync(client),
    backoff: { initialMs: 250, maxMs: 2_000 },
    requestTimeoutMs: 0,
  });
}

/**
 * The failures that say "not now" rather than "no", so that the request is sent again later (under its
 * id): no connection, and the answers of a server that could not take it now (it is stopping for a
 * restart, or the game's session is moving to another server). Every other refusal is final.
 */
const NOT_NOW = new Set(['DISCONNECTED', 'CLOSED', 'TIMEOUT', 'SHUTTING_DOWN', 'OWNER_UNAVAILABLE']);

/** Whether a request failed for now (sent again later) rather than refused by the server for good. */
export const isUnreachable = (error: unknown): boolean =>
  error instanceof TruinlagError && NOT_NOW.has(error.code);
