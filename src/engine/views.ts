import type { Player, Session } from '../protocol/entities.js';
import type { PlayerRecord, SessionRecord } from './state.js';

/** Wire views of stored records: what clients may see, nothing more (no passphrases, AUTH-4). */
export const sessionView = (s: SessionRecord): Session => ({
  id: s.id,
  name: s.name,
  mode: s.mode,
  timeZone: s.timeZone,
  game: s.game?.id ?? null,
  paused: s.clockPausedAt !== null,
});

export const playerView = (p: PlayerRecord): Player => ({
  id: p.id,
  name: p.name,
  session: p.session,
  team: p.team,
  phone: p.phone,
  picture: p.picture,
  removed: p.removed,
});
