import { randomUUID } from 'node:crypto';
import { encodeConnectionError } from '../protocol/encode.js';
import { makeError } from '../protocol/errors.js';
import type { Slot } from './address-slots.js';
import { CLOSE_CODES } from './close-codes.js';
import type { ConnectionServices } from './connection.js';
import type { TransportKind } from './observer.js';

/** How a transport refuses a connection before it became one: one error frame, then the close. */
export type Refuse = (frame: string, code: number, reason: string) => void;

/**
 * A new connection at the door: a slot if its address has a connection left (LIMIT-6), else the refusal
 * is reported and handed to `refuse`, and there is no slot. Every transport that counts addresses (the
 * WebSocket, and a cluster owner's relayed connections) lets connections in through here.
 */
export function admitConnection(
  services: ConnectionServices,
  transport: TransportKind,
  address: string,
  refuse: Refuse,
): Slot | undefined {
  const slot = services.edge.slots.take(address);
  if (slot !== undefined) return slot;
  // Refused before it became a connection: reported under an id of its own, with no role.
  const refused = { id: randomUUID(), transport, remote: address, role: 'none' } as const;
  services.observer.rateLimited(refused, 'connections-per-address');
  const limit = services.edge.limits.connectionsPerAddress;
  refuse(
    encodeConnectionError(makeError('TOO_MANY_CONNECTIONS', undefined, { limit })),
    CLOSE_CODES.TOO_MANY_CONNECTIONS,
    'too many connections from this address',
  );
  return undefined;
}
