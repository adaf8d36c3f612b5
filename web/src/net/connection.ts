import { TruinlagClient } from '../../../src/client/client.js';
import { webSocketTransport, type WebSocketConstructor } from '../../../src/client/transport.js';
import { OwnIdRequests } from './own-id-requests.js';

export { TruinlagClient };
export { TruinlagError } from '../../../src/client/errors.js';
export { NotConnected, type Answer, type OwnIdRequests } from './own-id-requests.js';

export interface ConnectOptions {
  readonly token?: string | undefined;
  /** The device's stable client id (D24): request ids are unique per client id, across app restarts. */
  readonly clientId: string;
  /** Where to resume the broadcast streams from: the positions the stored state reflects (D3). */
  readonly since?: Readonly<Record<string, number>> | undefined;
  /** Takes a fresh snapshot when the server can no longer resume a stream; returns what it reflects. */
  readonly resync: (client: TruinlagClient) => Promise<Record<string, number>>;
}

/** The client library's connection, and the way to send requests under the outbox's own ids. */
export interface Connection {
  readonly client: TruinlagClient;
  readonly ownIds: OwnIdRequests;
}

/**
 * The one place the app makes its connection to the engine: the WebSocket on the page's own origin (the
 * engine serves the app, so no CORS and no other host). The only module that knows how the client library
 * is constructed.
 */
export function connectToEngine(options: ConnectOptions): Connection {
  const ownIds = new OwnIdRequests();
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}/`;
  const client = new TruinlagClient(
    ownIds.wrap(webSocketTransport(url, WebSocket as unknown as WebSocketConstructor)),
    {
      token: options.token,
      clientId: options.clientId,
      since: options.since,
      resync: (c) => options.resync(c),
      backoff: { initialMs: 250, maxMs: 2_000 },
      requestTimeoutMs: 30_000,
    },
  );
  return { client, ownIds };
}
