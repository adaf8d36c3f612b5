import lowerVersion from 'semver/functions/lt.js';
import validVersion from 'semver/functions/valid.js';
import type { Hello } from '../protocol/envelope.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';

/**
 * The version gate (PROTOCOL-7): a hello whose `app.version` is older than `minimum` (or cannot be read
 * as a version) is refused with CLIENT_TOO_OLD, naming the minimum so that the app can tell its user
 * to update. A hello that names no app is not gated: the protocol version alone decides for it.
 */
export function clientTooOld(hello: Hello, minimum: string): ProtocolError | undefined {
  const version = hello.app?.version;
  if (version === undefined) return undefined;
  if (validVersion(version) !== null && !lowerVersion(version, minimum)) return undefined;
  return makeError(
    'CLIENT_TOO_OLD',
    `This app (${version}) is older than the server accepts (${minimum} or newer): update it.`,
    { field: 'app.version', minimum },
  );
}
