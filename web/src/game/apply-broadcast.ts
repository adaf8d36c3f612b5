import type { BroadcastMessage } from '../../../src/protocol/envelope.js';
import type { GameView, Note, SessionState, Team } from './types.js';

/** The result of applying a broadcast: the new view, and whether only a fresh snapshot can be right. */
export interface Applied {
  readonly view: GameView;
  readonly refetch: boolean;
}

/** How many course notes the feed keeps. */
const MAX_NOTES = 50;

const streamOf = (b: BroadcastMessage): string => (b.session === null ? 'global' : String(b.session));

/**
 * Applies one broadcast to the view (pure). Broadcasts the view already reflects are skipped, so a
 * snapshot and the broadcasts that overlap it can arrive in any order. Corrections and a resumed clock
 * shift things the broadcast does not carry (grace ends, hands), so they ask for a fresh snapshot.
 */
export function applyBroadcast(view: GameView, b: BroadcastMessage): Applied {
  const stream = streamOf(b);
  if (b.seq <= (view.state.seq[stream] ?? 0)) return { view, refetch: false };
  const seq = { ...view.state.seq, [stream]: b.seq };
  if (b.session !== null && b.session !== view.state.session.id)
    return { view: { ...view, state: { ...view.state, seq } }, refetch: false };
  const { state, note, refetch } = applyEvent(view.state, b);
  const notes = note === undefined ? view.notes : [...view.notes, note].slice(-MAX_NOTES);
  return { view: { state: { ...state, seq }, notes }, refetch };
}

interface EventResult {
  readonly state: SessionState;
  readonly note?: Note;
  readonly refetch: boolean;
}

function applyEvent(s: SessionState, b: BroadcastMessage): EventResult {
  const e = b.event;
  const at = b.at;
  const keep = (state: SessionState, note?: Note): EventResult => ({ state, refetch: false, note });
  switch (e.type) {
    case 'clock.paused':
      return keep(
        { ...s, session: { ...s.session, paused: true }, game: s.game && { ...s.game, pausedAt: e.at } },
        { at, kind: 'paused' },
      );
    case 'clock.resumed':
      return {
        state: { ...s, session: { ...s.session, paused: false } },
        note: { at, kind: 'resumed' },
        refetch: true,
      };
    case 'session.changed':
      return keep({ ...s, session: e.session });
    case 'player.changed':
    case 'player.added':
      return keep(e.player.session === s.session.id ? { ...s, players: upsert(s.players, e.player) } : s);
    case 'team.changed':
      return keep(withTeams(s, [e.team]));
    case 'team.removed':
      return keep({ ...s, teams: s.teams.filter((t) => t.id !== e.team) });
    case 'game.started':
      return keep(
        {
          ...s,
          session: { ...s.session, game: e.game.id, paused: false },
          game: e.game,
          teams: e.teams,
          events: [],
        },
        { at, kind: 'started', by: e.by },
      );
    case 'game.ended':
      return keep(
        { ...s, session: { ...s.session, game: null }, game: null },
        { at, kind: 'ended', text: e.reason, by: e.by },
      );
    case 'caught':
      return keep(withTeams(s, [e.catcher, e.caught]));
    case 'completed':
      return keep(withTeams(s, [e.team]));
    case 'location':
      return keep({
        ...s,
        teams: s.teams.map((t) => (t.id === e.team ? { ...t, location: e.location } : t)),
      });
    case 'grace.ended':
      return keep(
        { ...s, teams: s.teams.map((t) => (t.id === e.team ? { ...t, graceUntil: null } : t)) },
        { at, kind: 'graceEnded', team: e.team },
      );
    case 'announcement':
      return keep(s, { at, kind: 'announcement', text: e.text });
    case 'correction':
      return {
        state: s,
        note: { at, kind: 'correction', team: e.team, text: e.kind, by: e.by },
        refetch: true,
      };
    case 'pinged':
    case 'session.added':
    case 'config.changed':
    case 'catch.refused':
    case 'catalogue.changed':
      return keep(s);
  }
}

/** Replaces teams by id (adding new ones); a broadcast team carries no location, so the known one stays. */
function withTeams(s: SessionState, teams: readonly Team[]): SessionState {
  let next = s.teams;
  for (const team of teams) {
    const known = next.find((t) => t.id === team.id);
    next = upsert(next, { ...team, location: team.location ?? known?.location ?? null });
  }
  return { ...s, teams: next };
}

function upsert<T extends { id: number }>(list: readonly T[], item: T): T[] {
  return list.some((x) => x.id === item.id)
    ? list.map((x) => (x.id === item.id ? item : x))
    : [...list, item];
}
