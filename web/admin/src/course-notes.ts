import type { Author, CorrectionRecord } from '../../../src/protocol/authors.js';
import type { GameView, Note, SessionState } from '../../src/game/types.js';

const sameNote = (a: Note, b: Note): boolean => a.kind === b.kind && a.at === b.at && a.team === b.team;

/**
 * The feed's course notes with their authors (AUTH-7) also after a reload: an admin's snapshot carries who
 * started the running game and its corrections, or, while none runs, the course of the last one (its
 * standings are still shown), so those notes come from the snapshot; a note the dashboard received live
 * (same kind, time and team) is not shown twice.
 */
export function notesWithAuthors(view: GameView): readonly Note[] {
  const recorded = recordedNotes(view.state);
  return [...recorded, ...view.notes.filter((note) => !recorded.some((r) => sameNote(r, note)))];
}

function recordedNotes(state: SessionState): Note[] {
  const { game, lastGame } = state;
  const course = (startedAt: number, startedBy: Author, corrections: readonly CorrectionRecord[]): Note[] => [
    { at: startedAt, kind: 'started', by: startedBy },
    ...corrections.map((c): Note => ({ at: c.at, kind: 'correction', team: c.team, text: c.kind, by: c.by })),
  ];
  if (game !== null)
    return game.startedBy === undefined ? [] : course(game.startedAt, game.startedBy, game.corrections ?? []);
  if (lastGame === undefined || lastGame === null) return [];
  // The engine ends a game only when its time is up (its end alarm); anyone else stopped it.
  const reason = lastGame.endedBy.kind === 'engine' ? 'time' : 'stopped';
  return [
    ...course(lastGame.startedAt, lastGame.startedBy, lastGame.corrections),
    { at: lastGame.endedAt, kind: 'ended', text: reason, by: lastGame.endedBy },
  ];
}
