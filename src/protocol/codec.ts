import type { z } from 'zod';
import { schemaOfCommand, type Command } from './commands/index.js';
import { clientMessageSchema, requestIdSchema, type Hello } from './envelope.js';
import { makeError, type ProtocolError } from './errors.js';
import { MAX_FRAME_BYTES } from './version.js';

/** A decoded client message: a hello, or a request whose command is fully validated. */
export type DecodedClientMessage =
  | { kind: 'hello'; hello: Hello }
  | { kind: 'request'; id: string; session: number | undefined; command: Command };

export type DecodeResult =
  { ok: true; message: DecodedClientMessage } | { ok: false; error: ProtocolError; id: string | null };

/**
 * Turns one frame's text into a typed client message. This is the only place where untrusted input
 * becomes typed. Errors keep the request id when it can be recovered so the client can match them.
 */
export function decodeClientMessage(text: string): DecodeResult {
  if (isTooLarge(text)) return fail(makeError('TOO_LARGE'), null);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(makeError('MALFORMED', 'The message is not valid JSON.'), null);
  }
  const id = recoverRequestId(raw);
  const envelope = clientMessageSchema.safeParse(raw);
  if (!envelope.success) return fail(schemaError(envelope.error, 'The message envelope is invalid.'), id);
  const message = envelope.data;
  if (message.type === 'hello') return { ok: true, message: { kind: 'hello', hello: message } };
  const schema = schemaOfCommand(message.command.type);
  if (schema === undefined) {
    return fail(
      makeError('UNKNOWN_COMMAND', `There is no command "${message.command.type.slice(0, 80)}".`),
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

/** Whether the text is longer than the frame limit in UTF-8 bytes (a UTF-16 unit is at most 3 bytes). */
function isTooLarge(text: string): boolean {
  if (text.length > MAX_FRAME_BYTES) return true;
  if (text.length * 3 <= MAX_FRAME_BYTES) return false;
  return new TextEncoder().encode(text).length > MAX_FRAME_BYTES;
}

function fail(error: ProtocolError, id: string | null): DecodeResult {
  return { ok: false, error, id };
}

function recoverRequestId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
  const parsed = requestIdSchema.safeParse(raw.id);
  return parsed.success ? parsed.data : null;
}

/** A schema failure as a MALFORMED error listing each issue with its path. */
export function schemaError(error: z.ZodError, message: string): ProtocolError {
  const issues = error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const detail = first === undefined ? '' : ` ${first.path === '' ? '' : `${first.path}: `}${first.message}`;
  return makeError('MALFORMED', `${message}${detail}`, { issues });
}
