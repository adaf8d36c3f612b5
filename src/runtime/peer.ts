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
  /** The session a player connection belongs to now (the player's current session); null for others. */
  readonly session: number | null;
  /** False for a command-only connection, which is sent no broadcasts (default: it is sent them). */
  readonly broadcasts?: boolean;
  send(frame: string, kind: FrameKind): void;
  close(code: number, reason: string): void;
}

/** What deciding visibility needs to know about the state now (looked up at send time, not at login). */
export interface VisibilityLookup {
  /** A player's current team. */
  readonly teamOf: (player: number) => number | null;
  /** Whether a login (token record) still exists for that player: logged out or removed players see nothing. */
  readonly loginValid: (token: number, player: number) => boolean;
}

/**
 * Which broadcasts a peer may see (VISIBILITY-1 to VISIBILITY-3): a command-only connection nothing;
 * admins everything; players the global stream and their session's, except broadcasts for admins and
 * those kept from their team (a team in grace is hidden from the catchers: `exceptTeams`, checked
 * against the player's team at send time); guests nothing.
 */
export function peerCanSee(
  peer: Peer,
  stream: string,
  audience: Audience,
  lookup: VisibilityLookup,
): boolean {
  if (peer.broadcasts === false) return false;
  const actor = peer.actor;
  if (actor.kind === 'admin') return true;
  if (actor.kind !== 'player') return false;
  if (actor.token !== undefined && !lookup.loginValid(actor.token, actor.player)) return false;
  if (audience === 'admins') return false;
  if (stream !== 'global' && (peer.session === null || stream !== String(peer.session))) return false;
  if (audience === 'all') return true;
  const team = lookup.teamOf(actor.player);
  return team === null || !audience.exceptTeams.includes(team);
}

/** The broadcast stream of a session (or the global stream). */
export const streamOf = (session: number | null): string => (session === null ? 'global' : String(session));
