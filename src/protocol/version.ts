/** The wire protocol version. A client must say it in its hello; a mismatch is refused (VERSION_MISMATCH). */
export const PROTOCOL_VERSION = 1;

/** Largest frame accepted in either direction, in bytes (JSON text over WebSocket, payload over the socket). */
export const MAX_FRAME_BYTES = 1024 * 1024;
