import type { Actor } from '../engine/handler.js';
import type { Audience } from '../protocol/broadcasts.js';

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

/**
 * Which broadcasts a peer may see (D7, D8): admins everything; players the global stream and their
 * session's, except broadcasts kept from their team (`teamOf` gives a player's current team).
 */
export function peerCanSee(
  peer: Peer,
  stream: string,
  audience: Audience,
  teamOf: (player: number) => number | null,
): boolean {
  if (peer.actor.kind === 'admin') return true;
  if (audience === 'admins') return false;
  if (stream !== 'global' && stream !== String(peer.session)) return false;
  if (audience === 'all') return true;
  if (peer.actor.kind !== 'player') return false;
  const team = teamOf(peer.actor.player);
  return team === null || !audience.exceptTeams.includes(team);
}

/** The broadcast stream of a session (or the global stream). */
export const streamOf = (session: number | null): string => (session === null ? 'global' : String(session));
