import { createConnection } from 'node:net';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import { MAX_FRAME_BYTES } from '../protocol/version.js';
import type { ClientTransport } from './transport.js';

/** A transport over the server's local Unix socket (Node only): length-prefixed JSON frames. */
export function unixSocketTransport(path: string): () => ClientTransport {
  return () => {
    const socket = createConnection(path);
    const decoder = new FrameDecoder(MAX_FRAME_BYTES * 64);
    let ended = false;
    const transport: ClientTransport = {
      send: (text) => socket.write(encodeFrame(text)),
      close: () => socket.destroy(),
      onOpen: () => undefined,
      onMessage: () => undefined,
      onClose: () => undefined,
    };
    const end = (): void => {
      if (ended) return;
      ended = true;
      transport.onClose();
    };
    socket.on('connect', () => transport.onOpen());
    socket.on('data', (chunk) => {
      for (const event of decoder.push(chunk)) if (event.kind === 'frame') transport.onMessage(event.text);
    });
    socket.on('close', end);
    socket.on('error', end);
    return transport;
  };
}
