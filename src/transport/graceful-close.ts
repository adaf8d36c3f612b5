/** How long a closing connection may take to flush what was written to it (the shutdown notice). */
const CLOSE_GRACE_MS = 1_000;

/** A connection as shutdown sees it, whichever transport it came through. */
export interface Closable {
  /** Already closed: nothing to wait for. */
  readonly isClosed: boolean;
  onceClosed(callback: () => void): void;
  /** Asks for a clean close after the queued writes (and, on WebSocket, the close handshake). */
  end(): void;
  /** Drops the connection at once. */
  destroy(): void;
}

/**
 * Ends a connection and resolves once it has closed; one that does not let go within CLOSE_GRACE_MS is
 * destroyed. Closing at once would drop what is still being written (the shutdown notice, the close
 * frame); waiting without a bound would let one silent peer hold the shutdown up.
 */
export function closeGracefully(connection: Closable): Promise<void> {
  if (connection.isClosed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      connection.destroy();
      resolve();
    }, CLOSE_GRACE_MS);
    connection.onceClosed(() => {
      clearTimeout(timer);
      resolve();
    });
    connection.end();
  });
}
