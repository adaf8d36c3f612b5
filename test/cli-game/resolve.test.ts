import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/connection.js';
import {
  resolveOffer,
  resolvePlayer,
  resolveSessionId,
  resolveTeam,
  type Offer,
  type Team,
} from '../../src/cli/game/resolve.js';
import type { Player, Session } from '../../src/protocol/entities.js';

/** How the game CLI turns what a person types into ids (pure; the CLI tests drive it end to end). */
const session = (id: number, name: string): Session => ({
  id,
  name,
  mode: 'Traditional',
  timeZone: 'UTC',
  game: null,
  paused: false,
});
const player = (id: number, name: string, over: Partial<Player> = {}): Player => ({
  id,
  name,
  session: 1,
  team: null,
  phone: null,
  picture: null,
  removed: false,
  ...over,
});
const offer = (challengeId: number, title: string): Offer => ({
  challengeId,
  title,
  description: '',
  points: 100,
  zoneId: null,
  sectorId: null,
  repetitions: 0,
  action: null,
});
const team = (id: number, name: string, players: number[] = [], offers: Offer[] = []): Team => ({
  id,
  session: 1,
  name,
  colour: { r: 0, g: 0, b: 0 },
  players,
  role: 'Runner',
  points: 0,
  bounty: 0,
  zoneId: null,
  sectorId: null,
  location: null,
  offers,
  periods: [],
  periodId: 0,
  graceUntil: null,
  picture: null,
});

function failure(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('resolving sessions', () => {
  const sessions = [session(1, 'Zürich'), session(2, 'Bern'), session(3, '2')];

  it('by case-insensitive name or by id', () => {
    expect(resolveSessionId(sessions, 'bern')).toBe(2);
    expect(resolveSessionId(sessions, '1')).toBe(1);
  });

  it('a number that is one session’s id and another’s name is ambiguous', () => {
    expect(failure(() => resolveSessionId(sessions, '2'))).toMatchObject({ code: 'AMBIGUOUS_DATA' });
  });

  it('an unknown name is NOT_FOUND; an unknown id is left for the engine to judge', () => {
    expect(failure(() => resolveSessionId(sessions, 'Basel'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(resolveSessionId(sessions, '99')).toBe(99);
  });
});

describe('resolving players and teams', () => {
  const players = [
    player(1, 'Sam', { team: 10 }),
    player(2, 'Sam', { team: 11 }),
    player(3, 'Zoe', { team: 11 }),
    player(4, 'Old', { removed: true }),
    player(5, 'Sam', { session: 2 }),
  ];
  const teams = [team(10, 'Red', [1]), team(11, 'Blue', [2, 3])];

  it('a team by id, by name, or by the name of one of its players', () => {
    expect(resolveTeam(teams, players, '10').name).toBe('Red');
    expect(resolveTeam(teams, players, 'BLUE').id).toBe(11);
    expect(resolveTeam(teams, players, 'zoe').id).toBe(11);
  });

  it('a player name in two teams is ambiguous, listing both teams', () => {
    const error = failure(() => resolveTeam(teams, players, 'Sam'));
    expect(error.code).toBe('AMBIGUOUS_DATA');
    expect(error.message).toBe('"Sam" matches 2 teams: Red (id 10), Blue (id 11). Use the id.');
  });

  it('players are looked up among the given ones; removed players only by id', () => {
    expect(failure(() => resolvePlayer(players, 'sam', players.slice(0, 2))).code).toBe('AMBIGUOUS_DATA');
    expect(resolvePlayer(players, 'Zoe').id).toBe(3);
    expect(resolvePlayer(players, 'Sam', [players[1] as Player]).id).toBe(2);
    expect(failure(() => resolvePlayer(players, 'Old')).code).toBe('NOT_FOUND');
    expect(resolvePlayer(players, '4').name).toBe('Old');
  });
});

describe('resolving a challenge of a hand', () => {
  const hand = team(1, 'Red', [], [offer(7, 'Bridge'), offer(1, 'Tower'), offer(12, 'Lake')]);

  it('by position, catalogue id or title', () => {
    expect(resolveOffer(hand, '3').challengeId).toBe(12);
    expect(resolveOffer(hand, '12').challengeId).toBe(12);
    expect(resolveOffer(hand, 'tower').challengeId).toBe(1);
    expect(resolveOffer(hand, 'pos:2').challengeId).toBe(1);
    expect(resolveOffer(hand, 'id:7').challengeId).toBe(7);
  });

  it('a number that is one offer’s position and another’s id is ambiguous', () => {
    const error = failure(() => resolveOffer(hand, '1'));
    expect(error.code).toBe('AMBIGUOUS_DATA');
    expect(error.message).toContain('pos:1 or id:1');
  });

  it('a position and id of the same offer is not ambiguous', () => {
    const same = team(1, 'Red', [], [offer(1, 'Tower'), offer(9, 'Lake')]);
    expect(resolveOffer(same, '1').challengeId).toBe(1);
  });

  it('what the hand does not hold is NOT_FOUND, showing the hand', () => {
    const error = failure(() => resolveOffer(hand, '4'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('1. Bridge (id 7)');
  });
});
