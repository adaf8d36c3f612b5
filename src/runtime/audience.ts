import type { Actor } from '../engine/handler.js';
import type { EngineState } from '../engine/state.js';
import type { Audience } from '../protocol/broadcasts.js';

/**
 * Who receives a broadcast, resolved from the state at the moment it is sequenced (committed) and logged
 * with it, so that delivering it — live, on a resume, or later by a process that has no game state —
 * looks nothing up. Admin connections receive every broadcast; player connections receive those of the
 * streams they follow (the global stream and their session's), unless:
 * - `to: 'admins'`: it is for admins only;
 * - `exceptPlayers`: they were, at that moment, on a team it is hidden from. For a location reported in
 *   grace these are the players of the teams that were catchers when it was reported (GRACE-2, VISIBILITY-4): a team
 *   that becomes a runner later still does not get it, live or on resume.
 */
export type Recipients =
  { readonly to: 'admins' } | { readonly to: 'stream'; readonly exceptPlayers: readonly number[] };

/** Every follower of the stream (shared: the common case allocates nothing). */
export const EVERY_FOLLOWER: Recipients = Object.freeze({ to: 'stream', exceptPlayers: Object.freeze([]) });
export const ADMINS_ONLY: Recipients = Object.freeze({ to: 'admins' });

/** What delivery knows about a connection: who it is and which session it follows, no game state. */
export interface Viewer {
  readonly actor: Actor;
  /** The session whose stream a player connection follows (besides the global one); null for others. */
  readonly session: number | null;
  /** False for a command-only connection, which receives no broadcasts (default: it receives them). */
  readonly broadcasts?: boolean;
}

/** The engine's audience as recipients: the teams it is hidden from become their players now. */
export function resolveRecipients(state: EngineState, audience: Audience): Recipients {
  if (audience === 'all') return EVERY_FOLLOWER;
  if (audience === 'admins') return ADMINS_ONLY;
  // The teams' member lists say who is in them (CLUSTER-12); in player id order, as the log has them.
  const exceptPlayers = audience.exceptTeams.flatMap((team) => state.tables.team.get(team)?.players ?? []);
  return { to: 'stream', exceptPlayers: exceptPlayers.sort((a, b) => a - b) };
}

/**
 * Whether a broadcast of `stream` reaches a connection (VISIBILITY-1, GRACE-2, VISIBILITY-4): never a command-only connection or
 * a guest; every broadcast an admin; a player the global stream and their session's, unless the
 * recipients leave them out.
 */
export function reaches(recipients: Recipients, stream: string, viewer: Viewer): boolean {
  if (viewer.broadcasts === false) return false;
  const actor = viewer.actor;
  if (actor.kind === 'admin') return true;
  if (actor.kind !== 'player' || recipients.to === 'admins') return false;
  if (stream !== GLOBAL_STREAM && stream !== streamOf(viewer.session)) return false;
  return !recipients.exceptPlayers.includes(actor.player);
}

export const GLOBAL_STREAM = 'global';

/** The broadcast stream of a session (or the global stream). */
export const streamOf = (session: number | null): string =>
  session === null ? GLOBAL_STREAM : String(session);

/** The session of a stream (null for the global one): the inverse of {@link streamOf}. */
export const sessionOfStream = (stream: string): number | null =>
  stream === GLOBAL_STREAM ? null : Number(stream);

/** Recipients as the broadcast log keeps them: null for every follower of the stream (the most). */
export function storedRecipients(recipients: Recipients): string | null {
  return recipients.to === 'stream' && recipients.exceptPlayers.length === 0
    ? null
    : JSON.stringify(recipients);
}

/** Recipients read back from the broadcast log (see {@link storedRecipients}). */
export function loggedRecipients(stored: string | null): Recipients {
  return stored === null ? EVERY_FOLLOWER : (JSON.parse(stored) as Recipients);
}
