import { TruinlagClient } from './client.js';
import type { ConnectOptions } from './options.js';
import { webSocketTransport, type WebSocketConstructor } from './transport.js';

export * from './public-api.js';

/**
 * Connects a client in the browser (`truinlag/client/browser`) over the platform's global WebSocket:
 * the same options and client as `truinlag/client` in Node, except that a browser has no local socket.
 * Nothing this module imports needs Node.
 */
export function connect(options: ConnectOptions): TruinlagClient {
  if (options.url === undefined) throw new TypeError('A browser connects over WebSocket: pass `url`.');
  const Platform = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (Platform === undefined) throw new TypeError('This runtime has no global WebSocket.');
  return new TruinlagClient(webSocketTransport(options.url, Platform as WebSocketConstructor), options);
}
