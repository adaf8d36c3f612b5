/**
 * Close codes this server uses (documented in docs/protocol.md). The Unix socket has no close codes:
 * there the server sends a final `error` message naming the reason, then ends the stream.
 */
export const CLOSE_CODES = {
  /** Server shutting down (standard "going away"). */
  SHUTDOWN: 1001,
  /** The hello's token was wrong. */
  UNAUTHORISED: 4003,
  /** The client did not read fast enough and its outbound queue overflowed: reconnect and resume. */
  SLOW_CONSUMER: 4008,
  /** The client speaks another protocol version. */
  VERSION_MISMATCH: 4009,
  /** No pong within the heartbeat interval. */
  DEAD: 4010,
  /** The hello named a client version older than the server accepts: update the client (PROTOCOL-7). */
  CLIENT_TOO_OLD: 4011,
  /**
   * A cluster node relaying this connection to the engine's owner lost its way there (the owner changed,
   * is not known or not reachable, or relayed frames were lost): reconnect, to any node, and resume
   * (CLUSTER-6, docs/cluster.md).
   */
  RELAY_LOST: 4031,
  /** No hello within the hello deadline (LIMIT-5). */
  HELLO_TIMEOUT: 4021,
  /** The client's address has as many connections open as it may (LIMIT-6). */
  TOO_MANY_CONNECTIONS: 4022,
  /** The client went on sending while its requests were refused for their rate (LIMIT-7). */
  RATE_LIMITED: 4029,
} as const;
