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
} as const;
