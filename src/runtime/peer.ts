import type { Actor } from '../engine/handler.js';

export type FrameKind = 'response' | 'broadcast' | 'notice';

/**
 * The runtime's handle on one client connection. `send` never blocks: each transport queues the frame on
 * its own bounded outbound queue and cuts the connection off if the client does not keep up (issue 3).
 */
export interface Peer {
  readonly id: string;
  readonly actor: Actor;
  /** The session a player connection belongs to; null for admins. */
  readonly session: number | null;
  send(frame: string, kind: FrameKind): void;
  close(code: number, reason: string): void;
}

/** Which broadcasts a peer may see (D7): admins everything; players the global stream and their session's. */
export function peerCanSee(peer: Peer, stream: string, audience: 'all' | 'admins'): boolean {
  if (peer.actor.kind === 'admin') return true;
  if (audience === 'admins') return false;
  return stream === 'global' || stream === String(peer.session);
}

/** The broadcast stream of a session (or the global stream). */
export const streamOf = (session: number | null): string => (session === null ? 'global' : String(session));
