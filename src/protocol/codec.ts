import type { z } from 'zod';
import { schemaOfCommand, type Command } from './commands/index.js';
import { clientMessageSchema, requestIdSchema, type Hello } from './envelope.js';
import { makeError, type ProtocolError } from './errors.js';
import { shapeProblem, type ShapeLimits } from './json-shape.js';
import { MAX_FRAME_BYTES, MAX_JSON_DEPTH, MAX_JSON_VALUES } from './version.js';

/** A decoded client message: a hello, or a request whose command is fully validated. */
export type DecodedClientMessage =
  | { kind: 'hello'; hello: Hello }
  | { kind: 'request'; id: string; session: number | undefined; command: Command };

export type DecodeResult =
  { ok: true; message: DecodedClientMessage } | { ok: false; error: ProtocolError; id: string | null };

/** The limits one frame is decoded under: its size (smaller before the hello) and its JSON shape. */
export interface FrameLimits extends ShapeLimits {
  readonly maxBytes: number;
}

/** The limits of a frame after the hello (LIMIT-1, LIMIT-2). */
export const FRAME_LIMITS: FrameLimits = {
  maxBytes: MAX_FRAME_BYTES,
  maxDepth: MAX_JSON_DEPTH,
  maxValues: MAX_JSON_VALUES,
};

/**
 * Turns one frame's text into a typed client message. This is the only place where untrusted input
 * becomes typed. The cheap checks come first, so that a frame costs little before it is refused: its
 * size, then its shape (LIMIT-2), and only then the parser and the schemas. Errors keep the request id
 * when it can be recovered so the client can match them; they never echo the input back (LIMIT-3).
 */
export function decodeClientMessage(
  text: string,
  limits: FrameLimits = FRAME_LIMITS,
  bytes: number = utf8LengthAround(text, limits.maxBytes),
): DecodeResult {
  if (bytes > limits.maxBytes) return fail(tooLarge(limits.maxBytes), null);
  const shape = shapeProblem(text, limits);
  if (shape === 'depth') return fail(makeError('TOO_DEEP', undefined, { limit: limits.maxDepth }), null);
  if (shape === 'values')
    return fail(makeError('TOO_MANY_VALUES', undefined, { limit: limits.maxValues }), null);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(makeError('MALFORMED', 'The message is not valid JSON.'), null);
  }
  const id = recoverRequestId(raw);
  const hidden = mayHideKeys(text) ? hiddenKeyPath(raw, []) : undefined;
  if (hidden !== undefined) return fail(unrecognisedKey(hidden), id);
  const envelope = clientMessageSchema.safeParse(raw);
  if (!envelope.success) {
    // A hello says so, so that its sender knows it is not welcome until it sends a valid one (PROTOCOL-9).
    const what = isHello(raw) ? 'The hello is invalid.' : 'The message envelope is invalid.';
    return fail(schemaError(envelope.error, what), id);
  }
  const message = envelope.data;
  if (message.type === 'hello') return { ok: true, message: { kind: 'hello', hello: message } };
  const schema = schemaOfCommand(message.command.type);
  if (schema === undefined) {
    return fail(
      makeError('UNKNOWN_COMMAND', `There is no command "${clip(message.command.type, 80)}".`),
      message.id,
    );
  }
  const command = schema.safeParse(message.command);
  if (!command.success) return fail(schemaError(command.error, 'The command is invalid.'), message.id);
  return {
    ok: true,
    message: { kind: 'request', id: message.id, session: message.session, command: command.data as Command },
  };
}

/**
 * The text's UTF-8 length as far as comparing it with `max` needs: exact where it could be either side,
 * else a count on the same side of `max` (a UTF-16 unit is 1 to 3 bytes). Transports pass the length of
 * the bytes they read instead, which costs nothing.
 */
function utf8LengthAround(text: string, max: number): number {
  if (text.length > max || text.length * 3 <= max) return text.length;
  return new TextEncoder().encode(text).length;
}

/** TOO_LARGE for a frame over `maxBytes`: the smaller limit before the hello says so (LIMIT-1). */
export function tooLarge(maxBytes: number): ProtocolError {
  const message =
    maxBytes < MAX_FRAME_BYTES
      ? `Before the hello a message may have at most ${maxBytes} bytes.`
      : `A message may have at most ${maxBytes} bytes.`;
  return makeError('TOO_LARGE', message, { limit: maxBytes });
}

/**
 * Keys the schemas cannot see (LIMIT-4): `JSON.parse` makes `__proto__` an own key, but copying the
 * object (as the envelope's loose command schema does) turns it into the prototype and drops it
 * silently. Such a key can only be in the text literally or behind a `\u` escape.
 */
const HIDDEN_KEY = '__proto__';
const mayHideKeys = (text: string): boolean => text.includes(HIDDEN_KEY) || text.includes('\\u');

/** The path of the first own `__proto__` key in a parsed value (its depth is bounded by the shape scan). */
function hiddenKeyPath(value: unknown, path: string[]): string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && Object.hasOwn(value, HIDDEN_KEY)) return path;
  for (const [key, child] of Object.entries(value)) {
    const found = hiddenKeyPath(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function unrecognisedKey(path: string[]): ProtocolError {
  const issue = { path: clipPath(path), message: `Unrecognized key: "${HIDDEN_KEY}"` };
  const where = issue.path === '' ? '' : `${issue.path}: `;
  return makeError('MALFORMED', `The message is invalid. ${where}${issue.message}`, { issues: [issue] });
}

function fail(error: ProtocolError, id: string | null): DecodeResult {
  return { ok: false, error, id };
}

function isHello(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'type' in raw && raw.type === 'hello';
}

function recoverRequestId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
  const parsed = requestIdSchema.safeParse(raw.id);
  return parsed.success ? parsed.data : null;
}

/** At most this many issues, path segments, and characters of a path segment or message (LIMIT-3). */
const MAX_ISSUES = 20;
const MAX_PATH_SEGMENTS = 8;
const MAX_SEGMENT_CHARS = 40;
const MAX_MESSAGE_CHARS = 200;

/**
 * A schema failure as a MALFORMED error listing its first issues with their paths. The input is never
 * echoed back in bulk (LIMIT-3): issues, paths and messages are clipped, so the error stays small
 * whatever the frame held (a message naming every unknown key of a frame would be as large as the frame).
 */
export function schemaError(error: z.ZodError, message: string): ProtocolError {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: clipPath(issue.path.map(String)),
    message: clip(issue.message, MAX_MESSAGE_CHARS),
  }));
  const first = issues[0];
  const detail = first === undefined ? '' : ` ${first.path === '' ? '' : `${first.path}: `}${first.message}`;
  return makeError('MALFORMED', `${message}${detail}`, { issues });
}

function clipPath(path: readonly string[]): string {
  const shown = path.slice(0, MAX_PATH_SEGMENTS).map((segment) => clip(segment, MAX_SEGMENT_CHARS));
  return path.length > MAX_PATH_SEGMENTS ? [...shown, '…'].join('.') : shown.join('.');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
