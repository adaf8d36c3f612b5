import type { Role } from '../protocol/envelope.js';
import type { ProtocolError } from '../protocol/errors.js';

/** Which transport a connection came in on. */
export type TransportKind = 'ws' | 'unix';

/** A connection's role for metrics and logs: `none` until its hello was accepted. */
export type ConnectionRole = Role | 'none';

/** What metrics and logs may know of a connection (never its token or anything it sent). */
export interface ConnectionInfo {
  readonly id: string;
  readonly transport: TransportKind;
  /** The peer's address (`local` on the Unix socket). */
  readonly remote: string;
  readonly role: ConnectionRole;
}

/** How a connection ended: who closed it, with which close code (0 when the transport has none) and why. */
export interface ConnectionEnd {
  readonly by: 'server' | 'client';
  readonly code: number;
  readonly reason: string;
}

/** A count the outbound queues keep up to date themselves (a plain number: nothing is called per frame). */
export interface ByteTally {
  bytes: number;
}

/**
 * What the connections report, for metrics and logs (OPS-1, OPS-2): opening, the role a hello gave,
 * closing with its reason, connection-level refusals and rate limits, and the bytes waiting in every
 * outbound queue.
 */
export interface ConnectionObserver {
  /** Bytes waiting in all outbound queues together. */
  readonly outbound: ByteTally;
  opened(connection: ConnectionInfo): void;
  /** A hello was accepted: the connection's role is now `connection.role` (it was `previous`). */
  identified(connection: ConnectionInfo, previous: ConnectionRole): void;
  closed(connection: ConnectionInfo, end: ConnectionEnd): void;
  /** A frame was answered with a connection-level error (the hello refused, bad JSON, a frame too large). */
  frameRefused(connection: ConnectionInfo, error: ProtocolError): void;
  /** A rate limit refused something of this connection (`limit` names which one). */
  rateLimited(connection: ConnectionInfo, limit: string): void;
}
