import type { GameView, Note } from '../../src/game/types.js';

const sameNote = (a: Note, b: Note): boolean => a.kind === b.kind && a.at === b.at && a.team === b.team;

/**
 * The feed's course notes with their authors (AUTH-7) also after a reload: an admin's snapshot of a running
 * game carries who started it and its corrections, so those notes come from the snapshot; a note the
 * dashboard received live (same kind, time and team) is not shown twice.
 */
export function notesWithAuthors(view: GameView): readonly Note[] {
  const game = view.state.game;
  if (game === null || game.startedBy === undefined) return view.notes;
  const recorded: Note[] = [
    { at: game.startedAt, kind: 'started', by: game.startedBy },
    ...(game.corrections ?? []).map((c): Note => ({
      at: c.at,
      kind: 'correction',
      team: c.team,
      text: c.kind,
      by: c.by,
    })),
  ];
  return [...recorded, ...view.notes.filter((note) => !recorded.some((r) => sameNote(r, note)))];
}
