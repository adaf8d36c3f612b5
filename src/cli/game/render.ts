import type { ResultOf } from '../../protocol/commands/index.js';
import type { Player } from '../../protocol/entities.js';
import { localTime, type Names } from './call.js';
import type { Offer, Team } from './resolve.js';

/** Human tables of the game: names instead of ids, times in the session's zone. */

type Event = ResultOf<'event.list'>[number];
type Game = NonNullable<ResultOf<'session.state'>['game']>;

export function teamRow(team: Team, names: Names): Record<string, unknown> {
  return {
    id: team.id,
    name: team.name,
    role: team.role,
    points: team.points,
    bounty: team.bounty,
    players: team.players.map(names.player).join(', '),
    zone: names.zone(team.zoneId),
    sector: names.sector(team.sectorId),
    grace: team.graceUntil === null ? '' : `until ${localTime(team.graceUntil, names.timeZone)}`,
    period: team.periodId,
    hand: team.offers.length,
  };
}

/** The team's hand numbered as `complete TEAM N` takes it. */
export function handRows(offers: readonly Offer[], names: Names): Record<string, unknown>[] {
  return offers.map((o, i) => ({
    '#': i + 1,
    challenge: o.challengeId,
    title: o.title,
    points: o.points,
    zone: names.zone(o.zoneId),
    sector: names.sector(o.sectorId),
    description: o.description,
  }));
}

export function teamDetail(team: Team, names: Names): { title?: string; value: unknown }[] {
  const location =
    team.location === null
      ? ''
      : `${team.location.lat}, ${team.location.lon} (±${team.location.accuracy} m, ` +
        `${localTime(team.location.timestamp, names.timeZone)})`;
  return [
    {
      value: {
        ...teamRow(team, names),
        colour: `${team.colour.r},${team.colour.g},${team.colour.b}`,
        location,
      },
    },
    { title: `hand (complete ${team.name} N):`, value: handRows(team.offers, names) },
    {
      title: 'periods:',
      value: team.periods.map((p) => ({
        period: p.index,
        ended: localTime(p.endedAt, names.timeZone),
        what:
          p.context.type === 'completed'
            ? `completed "${p.context.title}" (${p.context.points} points)`
            : p.context.type === 'caught'
              ? `caught by ${names.team(p.context.catcherTeam)} (bounty ${p.context.bounty})`
              : `caught ${names.team(p.context.caughtTeam)} (bounty ${p.context.bounty})`,
      })),
    },
  ];
}

export function eventRow(event: Event, names: Names): Record<string, unknown> {
  return {
    at: localTime(event.at, names.timeZone),
    team: names.team(event.team),
    period: event.period,
    event:
      event.type === 'completed' ? `completed "${event.title}"` : `caught by ${names.team(event.catcher)}`,
    points: event.type === 'completed' ? event.points : '',
    bounty: event.type === 'caught' ? event.bounty : '',
    where: event.location === null ? '' : `${event.location.lat}, ${event.location.lon}`,
  };
}

export function gameRecord(game: Game | null, timeZone: string): Record<string, unknown> {
  if (game === null) return { game: 'none running' };
  return {
    game: game.name,
    started: localTime(game.startedAt, timeZone),
    ends: localTime(game.endsAt, timeZone),
    paused: game.pausedAt === null ? 'no' : `since ${localTime(game.pausedAt, timeZone)}`,
  };
}

export function playerRow(
  player: Player,
  sessionName: (id: number | null) => string,
  teamName: (id: number | null) => string,
): Record<string, unknown> {
  return {
    id: player.id,
    name: player.name,
    session: sessionName(player.session),
    team: teamName(player.team),
    phone: player.phone ?? '',
    removed: player.removed ? 'yes' : '',
  };
}
