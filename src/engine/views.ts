import type { Player, Session } from '../protocol/entities.js';
import type { PlayerRecord, SessionRecord } from './state.js';
import type { Tx } from './tx.js';

/** Wire views of stored records: what clients may see, nothing more (no passphrases, AUTH-4). */
export const sessionView = (s: SessionRecord): Session => ({
  id: s.id,
  name: s.name,
  mode: s.mode,
  timeZone: s.timeZone,
  game: s.game?.id ?? null,
  paused: s.clockPausedAt !== null,
});

/** A player as clients see them, with the team that lists them (CLUSTER-12: not part of their record). */
export const playerView = (p: PlayerRecord, team: number | null): Player => ({
  id: p.id,
  name: p.name,
  session: p.session,
  team,
  phone: p.phone,
  picture: p.picture,
  removed: p.removed,
});

/** A player as clients see them, with the team that lists them in the state as a step's writes left it. */
export const playerViewIn = (tx: Tx, p: PlayerRecord): Player =>
  playerView(p, tx.teamOfPlayer(p.id)?.id ?? null);
