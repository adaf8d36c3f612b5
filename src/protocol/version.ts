/** The wire protocol version. A client must say it in its hello; a mismatch is refused (VERSION_MISMATCH). */
export const PROTOCOL_VERSION = 1;

/** Largest frame accepted in either direction, in bytes (JSON text over WebSocket, payload over the socket). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Largest frame accepted before the hello (LIMIT-1): enough for any hello, too little to cost anything. */
export const PRE_HELLO_FRAME_BYTES = 8 * 1024;

/** Deepest nesting of objects and arrays in a client frame, the envelope being depth 1 (LIMIT-2). */
export const MAX_JSON_DEPTH = 16;

/** Most values (object members and array items) in one client frame (LIMIT-2). */
export const MAX_JSON_VALUES = 10_000;
