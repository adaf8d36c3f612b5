import type { ConnectionEndReason } from '../protocol/connections.js';
import { CLOSE_CODES } from './close-codes.js';
import type { ConnectionEnd } from './observer.js';

const BY_CODE: ReadonlyMap<number, ConnectionEndReason> = new Map([
  [CLOSE_CODES.SLOW_CONSUMER, 'slow-consumer'],
  [CLOSE_CODES.RATE_LIMITED, 'rate-limit'],
  [CLOSE_CODES.HELLO_TIMEOUT, 'hello-deadline'],
  [CLOSE_CODES.VERSION_MISMATCH, 'version'],
  [CLOSE_CODES.CLIENT_TOO_OLD, 'version'],
  [CLOSE_CODES.UNAUTHORISED, 'unauthorised'],
  [CLOSE_CODES.DEAD, 'dead'],
  [CLOSE_CODES.SHUTDOWN, 'shutdown'],
  [CLOSE_CODES.RELAY_LOST, 'relay-lost'],
]);

/** Why a connection ended, in the words of `admin.connections` (OPS-3): from the server's close code. */
export function endReasonOf(end: ConnectionEnd): ConnectionEndReason {
  if (end.by === 'client') return 'closed-by-client';
  return BY_CODE.get(end.code) ?? 'other';
}
