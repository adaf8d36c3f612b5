import WebSocket from 'ws';
import { TruinlagClient, type ClientOptions } from './client.js';
import { webSocketTransport, type WebSocketConstructor } from './transport.js';
import { unixSocketTransport } from './unix-transport.js';

export { TruinlagClient } from './client.js';
export { TruinlagError } from './errors.js';

export type NodeClientOptions = Omit<ClientOptions, 'connect'> &
  (
    | { readonly url: string; readonly socket?: undefined }
    | { readonly socket: string; readonly url?: undefined }
  );

/** A client for Node: over WebSocket (`url`) or the server's local Unix socket (`socket`). */
export function connect(options: NodeClientOptions): TruinlagClient {
  const transport =
    options.url !== undefined
      ? webSocketTransport(options.url, WebSocket as unknown as WebSocketConstructor)
      : unixSocketTransport(options.socket);
  return new TruinlagClient({ ...options, connect: transport });
}
