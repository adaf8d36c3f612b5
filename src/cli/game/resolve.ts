import type { ResultOf } from '../../protocol/commands/index.js';
import type { Player, Session } from '../../protocol/entities.js';
import { CliError } from '../connection.js';

/**
 * What a person types for a session, player, team or offered challenge, turned into the one thing it
 * names (the reference admin CLI's conventions): an id, or a case-insensitive exact name;
 * a team also by the name of one of its players. A reference that names nothing is NOT_FOUND; one
 * that names several different things is AMBIGUOUS_DATA, listing them — never a guess.
 */
export type Team = ResultOf<'team.list'>[number];
export type Offer = Team['offers'][number];

const isWholeNumber = (text: string): boolean => /^\d+$/.test(text);
const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The distinct items among `found`, by id (an item matched by id and by name counts once). */
function distinct<T extends { id: number }>(found: readonly T[]): T[] {
  return [...new Map(found.map((item) => [item.id, item])).values()];
}

function pick<T extends { id: number }>(
  kind: string,
  ref: string,
  found: readonly T[],
  describe: (item: T) => string,
): T | undefined {
  const unique = distinct(found);
  if (unique.length > 1) {
    throw new CliError(
      'AMBIGUOUS_DATA',
      `"${ref}" matches ${unique.length} ${kind}s: ${unique.map(describe).join(', ')}. Use the id.`,
    );
  }
  return unique[0];
}

/** Items whose id is the reference (when it is a whole number) or whose name it is. */
function byIdOrName<T extends { id: number; name: string }>(items: readonly T[], ref: string): T[] {
  const text = ref.trim();
  return items.filter(
    (item) => (isWholeNumber(text) && item.id === Number(text)) || sameName(item.name, text),
  );
}

const described = (item: { id: number; name: string }): string => `${item.name} (id ${item.id})`;

/**
 * A session's id from its name or id. A whole number that names no session is passed on as an id: the
 * engine is the authority on ids and answers NOT_FOUND itself.
 */
export function resolveSessionId(sessions: readonly Session[], ref: string): number {
  const found = pick('session', ref, byIdOrName(sessions, ref), described);
  if (found !== undefined) return found.id;
  if (isWholeNumber(ref.trim())) return Number(ref.trim());
  throw new CliError(
    'NOT_FOUND',
    `No session "${ref}" (sessions: ${sessions.map(described).join(', ') || 'none'}).`,
  );
}

/** Whether a reference names this session: its id or (case-insensitively) its name. */
export const namesSession = (session: Session, ref: string): boolean => byIdOrName([session], ref).length > 0;

/**
 * A player by id (any player) or by name (players not removed). With `among`, names are looked up
 * among those players only (e.g. the session's), so a namesake elsewhere does not make it ambiguous.
 */
export function resolvePlayer(players: readonly Player[], ref: string, among?: readonly Player[]): Player {
  const text = ref.trim();
  const byId = isWholeNumber(text) ? players.filter((p) => p.id === Number(text)) : [];
  const byName = (among ?? players).filter((p) => !p.removed && sameName(p.name, text));
  const found = pick('player', ref, [...byId, ...byName], described);
  if (found === undefined) throw new CliError('NOT_FOUND', `No player "${ref}".`);
  return found;
}

/**
 * A team of the session by id or name; failing that, the team of the player with that name (tredit).
 * A name shared by players of two teams is ambiguous.
 */
export function resolveTeam(teams: readonly Team[], players: readonly Player[], ref: string): Team {
  const direct = pick('team', ref, byIdOrName(teams, ref), described);
  if (direct !== undefined) return direct;
  const viaPlayers = players
    .filter((p) => !p.removed && sameName(p.name, ref))
    .flatMap((p) => teams.filter((t) => t.players.includes(p.id)));
  const found = pick('team', ref, viaPlayers, described);
  if (found === undefined) {
    throw new CliError(
      'NOT_FOUND',
      `No team "${ref}" (teams: ${teams.map(described).join(', ') || 'none'}; a player's name works too).`,
    );
  }
  return found;
}

/**
 * One of the challenges a team holds: `pos:N` is the N-th offer of its hand (as `team show` numbers
 * them), `id:N` the catalogue id; a plain number is whichever of the two exists (ambiguous when both
 * exist and differ); any other text is a title (case-insensitive).
 */
export function resolveOffer(team: Team, ref: string): Offer {
  const text = ref.trim().toLowerCase();
  const hand = team.offers;
  const position = (n: number): Offer[] => (n >= 1 && n <= hand.length ? [hand[n - 1] as Offer] : []);
  const byId = (n: number): Offer[] => hand.filter((o) => o.challengeId === n);
  const tagged = /^(pos|id):\s*(\d+)$/.exec(text);
  let found: Offer[];
  if (tagged !== null) found = tagged[1] === 'pos' ? position(Number(tagged[2])) : byId(Number(tagged[2]));
  else if (isWholeNumber(text)) found = [...position(Number(text)), ...byId(Number(text))];
  else found = hand.filter((o) => sameName(o.title, text));
  const unique = [...new Map(found.map((o) => [o.challengeId, o])).values()];
  if (unique.length > 1) {
    const numbered = isWholeNumber(text) ? `: write pos:${text} or id:${text}` : ': use pos:N';
    throw new CliError(
      'AMBIGUOUS_DATA',
      `"${ref}" matches ${unique.length} challenges in the hand of ${team.name} ` +
        `(${unique.map((o) => `${o.title}, id ${o.challengeId}`).join('; ')})${numbered}.`,
    );
  }
  const offer = unique[0];
  if (offer === undefined) {
    const shown = hand.map((o, i) => `${i + 1}. ${o.title} (id ${o.challengeId})`).join('; ');
    throw new CliError(
      'NOT_FOUND',
      `Team ${team.name} holds no challenge "${ref}" (hand: ${shown || 'empty'}).`,
    );
  }
  return offer;
}
