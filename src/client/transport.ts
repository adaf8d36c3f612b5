/** One physical connection as the client sees it; a new one is made for every (re)connect. */
export interface ClientTransport {
  send(text: string): void;
  close(): void;
  onOpen: () => void;
  onMessage: (text: string) => void;
  /** Called once when the connection ends for any reason (also after a failed open). */
  onClose: () => void;
}

/** The subset of the WebSocket API the client needs (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * A WebSocket transport over any WebSocket implementation. Given several URLs (the nodes of a cluster),
 * it starts at a random one, to spread clients, and takes the next one for each reconnect: a node that
 * is gone is left behind at the next attempt.
 */
export function webSocketTransport(
  urls: string | readonly string[],
  Impl: WebSocketConstructor,
): () => ClientTransport {
  const list = typeof urls === 'string' ? [urls] : urls;
  if (list.length === 0) throw new TypeError('Pass at least one URL.');
  let next = Math.floor(Math.random() * list.length);
  return () => {
    const socket = new Impl(list[next++ % list.length] as string);
    let closed = false;
    const transport: ClientTransport = {
      send: (text) => socket.send(text),
      close: () => socket.close(1000, 'client closed'),
      onOpen: () => undefined,
      onMessage: () => undefined,
      onClose: () => undefined,
    };
    socket.onopen = () => transport.onOpen();
    socket.onmessage = (event) =>
      transport.onMessage(typeof event.data === 'string' ? event.data : String(event.data));
    const ended = (): void => {
      if (closed) return;
      closed = true;
      transport.onClose();
    };
    socket.onclose = ended;
    socket.onerror = ended;
    return transport;
  };
}
