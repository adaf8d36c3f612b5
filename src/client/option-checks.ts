import { ENVELOPE_TEXT_LIMITS } from '../protocol/version.js';
import { TruinlagError } from './errors.js';
import type { ClientOptions } from './options.js';

interface Limits {
  readonly min: number;
  readonly max: number;
}

/**
 * What is wrong with the options a hello carries, if anything. The server answers a hello that breaks
 * the protocol's limits with MALFORMED and does not welcome it (PROTOCOL-9); the client says so before
 * it connects, with the same code and issue path, rather than after a round trip.
 */
export function helloOptionsProblem(options: ClientOptions): TruinlagError | undefined {
  return (
    lengthProblem('clientId', 'client', options.clientId, ENVELOPE_TEXT_LIMITS.clientId) ??
    lengthProblem('token', 'token', options.token, ENVELOPE_TEXT_LIMITS.token) ??
    lengthProblem('appName', 'app.name', options.appName, ENVELOPE_TEXT_LIMITS.appName)
  );
}

/**
 * What is wrong with a caller's request id, if anything: the server could not tie its refusal of such a
 * request to the request (PROTOCOL-2), which would then wait for its timeout.
 */
export function requestIdProblem(id: string): TruinlagError | undefined {
  return lengthProblem('id', 'id', id, ENVELOPE_TEXT_LIMITS.requestId);
}

/**
 * A text option outside its length limits (in UTF-16 units, as the server's schemas count), as the
 * server's MALFORMED names it: `path` is where it goes in the frame. A caller without types may pass
 * something that is not a string at all.
 */
function lengthProblem(
  option: string,
  path: string,
  value: unknown,
  { min, max }: Limits,
): TruinlagError | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length >= min && value.length <= max) return undefined;
  const found = typeof value === 'string' ? `${value.length} characters` : `a ${typeof value}`;
  const message = `${option} must be a string of ${min} to ${max} characters (PROTOCOL-9), not ${found}.`;
  return new TruinlagError('MALFORMED', message, { field: option, issues: [{ path, message }] });
}
