import type { z } from 'zod';
import type { eventSchema, teamSchema } from '../../protocol/game.js';
import type { PeriodRecord, TeamRecord } from './types.js';

type TeamView = z.infer<typeof teamSchema>;
type EventView = z.infer<typeof eventSchema>;

/**
 * A team as clients see it. `withLocation` false leaves the location out: broadcasts never carry it
 * (locations go out in their own, audience-filtered broadcasts), and catchers do not see a team in grace.
 */
export function teamView(team: TeamRecord, withLocation = true): TeamView {
  return {
    id: team.id,
    session: team.session,
    name: team.name,
    colour: team.colour,
    players: [...team.players],
    role: team.role,
    points: team.points,
    bounty: team.bounty,
    zoneId: team.zoneId,
    sectorId: team.sectorId,
    location: withLocation ? team.location : null,
    offers: [...team.offers],
    periods: team.periods.map(periodView),
    periodId: team.periods.length,
    graceUntil: team.grace?.until ?? null,
    picture: team.picture,
  };
}

const periodView = (p: PeriodRecord): TeamView['periods'][number] => ({
  index: p.index,
  context: p.context as TeamView['periods'][number]['context'],
  endedAt: p.endedAt,
  location: p.location,
  pictures: [...p.pictures],
});

/**
 * The session's completions and catches, oldest first (EVENT-1): a catch is represented by the
 * caught team's period, as in the reference; ties keep team order.
 */
export function eventsOf(teams: readonly TeamRecord[]): EventView[] {
  const events: EventView[] = [];
  for (const team of teams) {
    for (const period of team.periods) {
      const c = period.context;
      const common = {
        team: team.id,
        period: period.index,
        at: period.endedAt,
        location: period.location,
        pictures: [...period.pictures],
      };
      if (c.type === 'completed') {
        events.push({
          type: 'completed',
          ...common,
          challengeId: c.challengeId,
          title: c.title,
          points: c.points,
          notCompleted: [...c.notCompleted],
        });
      } else if (c.type === 'caught') {
        events.push({
          type: 'caught',
          ...common,
          catcher: c.catcherTeam,
          bounty: c.bounty,
          notCompleted: [...c.notCompleted],
        });
      }
    }
  }
  return events.sort((a, b) => a.at - b.at);
}
