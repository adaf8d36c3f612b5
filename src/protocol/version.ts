/** The wire protocol version. A client must say it in its hello; a mismatch is refused (VERSION_MISMATCH). */
export const PROTOCOL_VERSION = 1;

/**
 * The version of truinlag this code is (package.json's `version`; test/client/version.test.ts keeps the
 * two equal). The client library names it in its hello (`app.version`) for the version gate (PROTOCOL-7).
 */
export const TRUINLAG_VERSION = '0.1.0';

/**
 * The oldest client version the server accepts by default (PROTOCOL-7): raise it when a server change
 * needs clients to update. A server may ask for a newer one (TRUINLAG_MIN_CLIENT_VERSION).
 */
export const MIN_CLIENT_VERSION = '0.1.0';

/** Largest frame accepted in either direction, in bytes (JSON text over WebSocket, payload over the socket). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Largest frame accepted before the hello (LIMIT-1): enough for any hello, resume positions of
 * {@link MAX_RESUME_STREAMS} streams included (an admin's dashboard or CLI follows every session), and
 * still cheap to refuse or parse: its shape is checked before parsing (LIMIT-2).
 */
export const PRE_HELLO_FRAME_BYTES = 128 * 1024;

/** Most streams a hello may give resume positions for (RESUME-2, LIMIT-1). */
export const MAX_RESUME_STREAMS = 4_096;

/** Deepest nesting of objects and arrays in a client frame, the envelope being depth 1 (LIMIT-2). */
export const MAX_JSON_DEPTH = 16;

/** Most values (object members and array items) in one client frame (LIMIT-2). */
export const MAX_JSON_VALUES = 10_000;

/**
 * Lengths, in characters, of the texts a hello and a request envelope carry: the schemas use them, and so
 * does the client library, which checks its options against them before it connects (PROTOCOL-9).
 */
export const ENVELOPE_TEXT_LIMITS = {
  /** The hello's `client`: a stable client id (IDEMPOTENCY-2). */
  clientId: { min: 8, max: 64 },
  /** The hello's `token`. */
  token: { min: 1, max: 200 },
  /** The hello's `app.name` (PROTOCOL-7). */
  appName: { min: 1, max: 64 },
  /** A request's `id` (PROTOCOL-2). */
  requestId: { min: 1, max: 128 },
} as const;
