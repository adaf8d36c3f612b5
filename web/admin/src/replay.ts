import type { ResultOf } from '../../../src/protocol/commands/index.js';
import type { Team } from '../../src/game/types.js';
import type { MarkedTeam, TrackPoint } from './desk.js';

/** A past game as `pastGame.get` answers it: final teams with their tracks, and its events. */
export type PastGame = ResultOf<'pastGame.get'>;
export type PastTeam = PastGame['teams'][number];
export type PastEvent = PastGame['events'][number];
export type PastGameInfo = ResultOf<'pastGame.list'>[number];

/** A team as it stood at one moment of a replay: where it was, its role then, and its track so far. */
export interface TeamAt {
  readonly team: MarkedTeam;
  readonly track: readonly TrackPoint[];
}

/** The track points reported at or before `at` (a track is kept oldest first). */
export const trackUpTo = (track: readonly TrackPoint[], at: number): TrackPoint[] =>
  track.filter((p) => p.timestamp <= at);

/** The events that happened at or before `at`, oldest first. */
export const eventsUpTo = (events: readonly PastEvent[], at: number): PastEvent[] =>
  events.filter((e) => e.at <= at);

/**
 * A team's role at `at`. The archive keeps only the final role; every catch swaps the roles of its two
 * teams, so the first catch after `at` that involves the team says what it was before: the caught team a
 * runner, the catcher a catcher. Without a later catch its final role holds.
 */
export function roleAt(team: PastTeam, events: readonly PastEvent[], at: number): Team['role'] {
  const next = events.find(
    (e) => e.type === 'caught' && e.at > at && (e.team === team.id || e.catcher === team.id),
  );
  if (next?.type !== 'caught') return team.role;
  return next.team === team.id ? 'Runner' : 'Catcher';
}

/**
 * Every team of a past game at `at`: positioned at its last track point until then (no position before its
 * first), with its role then; grace is not shown (the archive keeps only the last grace end).
 */
export function teamsAt(past: PastGame, at: number): TeamAt[] {
  return past.teams.map((team) => {
    const upTo = trackUpTo(team.track, at);
    const { id, name, colour } = team;
    return {
      team: {
        id,
        name,
        colour,
        role: roleAt(team, past.events, at),
        graceUntil: null,
        location: upTo.at(-1) ?? null,
      },
      track: upTo,
    };
  });
}

/** The replay's time range: from the start to the end, widened to any track point reported outside it. */
export function replayRange(past: PastGame): { from: number; to: number } {
  const times = past.teams.flatMap((t) => t.track.map((p) => p.timestamp));
  return { from: Math.min(past.startedAt, ...times), to: Math.max(past.endedAt, ...times) };
}
