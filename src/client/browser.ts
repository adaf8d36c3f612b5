import { TruinlagClient, type ClientOptions } from './client.js';
import { webSocketTransport, type WebSocketConstructor } from './transport.js';

export { TruinlagClient } from './client.js';
export { TruinlagError } from './errors.js';

/** A client for browsers, over the platform's WebSocket. */
export function connect(url: string, options: Omit<ClientOptions, 'connect'> = {}): TruinlagClient {
  return new TruinlagClient({
    ...options,
    connect: webSocketTransport(url, globalThis.WebSocket as unknown as WebSocketConstructor),
  });
}
