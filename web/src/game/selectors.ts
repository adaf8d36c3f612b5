import type { GameView, Note, Offer, SessionState, Team } from './types.js';

/** The team a player is in. */
export const teamOf = (state: SessionState, player: number): Team | undefined =>
  state.teams.find((t) => t.players.includes(player));

/** Teams by points, then bounty (the scoreboard). */
export const standings = (teams: readonly Team[]): Team[] =>
  [...teams].sort((a, b) => b.points - a.points || b.bounty - a.bounty || a.name.localeCompare(b.name));

/** Milliseconds left, at `now`, until `until` (never below 0), or null without an end. */
export const msLeft = (until: number | null | undefined, now: number): number | null =>
  until === null || until === undefined ? null : Math.max(0, until - now);

/** One line of the feed: a completion or catch (from the teams' periods), or a note on the game's course. */
export type FeedItem =
  | {
      readonly kind: 'completed';
      readonly at: number;
      readonly team: Team;
      readonly title: string;
      readonly points: number;
      readonly pictures: readonly number[];
    }
  | {
      readonly kind: 'caught';
      readonly at: number;
      readonly team: Team;
      readonly catcher: Team | undefined;
      readonly bounty: number;
      readonly pictures: readonly number[];
    }
  | { readonly kind: 'note'; readonly at: number; readonly note: Note; readonly team: Team | undefined };

/** The feed, newest first: every team's completions and catches with their photos, and the notes. */
export function feedOf(view: GameView): FeedItem[] {
  const { teams } = view.state;
  const byId = (id: number | undefined): Team | undefined => teams.find((t) => t.id === id);
  const items: FeedItem[] = [];
  for (const team of teams) {
    for (const period of team.periods) {
      const c = period.context;
      const pictures = period.pictures;
      if (c.type === 'completed')
        items.push({
          kind: 'completed',
          at: period.endedAt,
          team,
          title: c.title,
          points: c.points,
          pictures,
        });
      else if (c.type === 'caught')
        items.push({
          kind: 'caught',
          at: period.endedAt,
          team,
          catcher: byId(c.catcherTeam),
          bounty: c.bounty,
          pictures,
        });
    }
  }
  for (const note of view.notes) items.push({ kind: 'note', at: note.at, note, team: byId(note.team) });
  return items.sort((a, b) => b.at - a.at);
}

/**
 * An offer's title and description in the phone's language: the catalogue's translation when it has one
 * (CATALOGUE-7), else the catalogue's own text.
 */
export function offerInLanguage(offer: Offer, language: string): { title: string; description: string } {
  return {
    title: offer.translatedTitles?.[language] ?? offer.title,
    description: offer.translatedDescriptions?.[language] ?? offer.description,
  };
}
