import WebSocket from 'ws';
import { TruinlagClient } from './client.js';
import type { ConnectOptions } from './options.js';
import { webSocketTransport, type WebSocketConstructor } from './transport.js';
import { unixSocketTransport } from './unix-transport.js';

export * from './public-api.js';

/**
 * Connects a client in Node (`truinlag/client`): over WebSocket (`url`, with `ws`) or the server's local
 * Unix socket (`socket`). The same options and client as `truinlag/client/browser`.
 */
export function connect(options: ConnectOptions): TruinlagClient {
  const transport =
    options.url !== undefined
      ? webSocketTransport(options.url, WebSocket as unknown as WebSocketConstructor)
      : unixSocketTransport(options.socket);
  return new TruinlagClient(transport, options);
}
