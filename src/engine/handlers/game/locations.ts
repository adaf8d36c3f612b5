import { haversineMetres } from '../../generation/distance.js';
import { hiddenFrom, hiddenFromNow, readerTeam } from '../../game/grace-secrets.js';
import { findTeam, isOutcome, sessionOf, teamsOf } from '../../game/teams.js';
import type { LocationFix, TeamRecord } from '../../game/types.js';
import { eventsOf } from '../../game/views.js';
import { fail, notFound, ok, type Handler, type HandlerContext } from '../../handler.js';
import type { PositionRecord } from '../../state.js';
import { trailVisible } from './teams.js';

/** Location intake constants (LOCATION-3, LOCATION-5). */
const PRECISE_M = 20;
const TRACK_MIN_METRES = 20;
const TRACK_MIN_MS = 10_000;
/** A phone clock ahead of the server by more than this is not believed (LOCATION-4). */
const MAX_CLOCK_AHEAD_MS = 60_000;
/**
 * A player's unchanged coordinates are taken again once this long after their last recorded report, so
 * that a team sitting still keeps a fresh location and stays catchable (LOCATION-2, CATCH-6).
 */
const SAME_POSITION_REFRESH_MS = 60_000;

/**
 * A player's position (LOCATION-1 to LOCATION-5, with a correct distance and sane timestamps). A position that an
 * intake rule does not take is answered `accepted: false` with that rule as the reason, not refused:
 * without a running game too, so phones can send all day without error popups.
 */
export const locationSend: Handler<'location.send'> = (command, ctx) => {
  const session = sessionOf(ctx);
  const self = ctx.actor.kind === 'player' ? ctx.actor.player : undefined;
  if (self !== undefined && command.player !== undefined && command.player !== self) {
    return fail('UNAUTHORISED', 'A player may only send their own location.');
  }
  const playerId = self ?? command.player;
  if (playerId === undefined)
    return fail('BAD_DATA', 'Name the player whose location this is.', { field: 'player' });
  if (session.game === null) return ok({ accepted: false, reason: 'no-game' });
  const player = ctx.tx.get('player', playerId);
  if (player === undefined || player.session !== session.id || player.removed)
    return notFound('player', playerId);
  const listed = ctx.tx.teamOfPlayer(player.id);
  if (listed === undefined)
    return fail('NOT_FOUND', `Player ${player.id} is in no team.`, { entity: 'team' });
  const team = findTeam(ctx, listed.id);
  if (isOutcome(team)) return team;
  const input = command.location;
  // The session's record of the player's last report, not the global player record (CLUSTER-12).
  const last = ctx.tx.get('position', player.id);
  if (
    last?.lat === input.lat &&
    last.lon === input.lon &&
    ctx.now - (last.at ?? 0) < SAME_POSITION_REFRESH_MS
  )
    return ok({ accepted: false, reason: 'same-position' });
  const timestamp = Math.min(input.timestamp, ctx.now + MAX_CLOCK_AHEAD_MS);
  // A report is never taken twice, nor after a later one of the same phone (LOCATION-8, IDEMPOTENCY-5).
  if (isNotNewer(last, input, timestamp)) return ok({ accepted: false, reason: 'not-newer' });
  ctx.tx.put('position', {
    id: player.id,
    session: session.id,
    lat: input.lat,
    lon: input.lon,
    at: ctx.now,
    timestamp,
  });
  // Named one by one: a spread followed by a new key costs V8 (Node 20) about 1 µs, here per report.
  const fix: LocationFix = {
    lat: input.lat,
    lon: input.lon,
    accuracy: input.accuracy,
    heading: input.heading,
    speed: input.speed,
    timestamp,
    receivedAt: ctx.now,
  };
  const current = team.location;
  // A team-mate's phone may have sent a newer position meanwhile (a report queued in a tunnel arrives
  // late): an older one, however precise, never moves the team back (LOCATION-3).
  if (current !== null && fix.timestamp < current.timestamp) return ok({ accepted: false, reason: 'older' });
  if (!accepts(current, fix)) return ok({ accepted: false, reason: 'less-precise' });
  // In grace, the catchers of this moment are kept from this position for good (VISIBILITY-3, VISIBILITY-4).
  const hidden = hiddenFromNow(ctx, team);
  const { locationHiddenFrom: _previous, ...rest } = team;
  ctx.tx.put('team', {
    ...rest,
    location: fix,
    ...(hidden.length === 0 ? {} : { locationHiddenFrom: hidden }),
    lastTrackPoint: extendTrack(ctx, team, fix, hidden),
  });
  ctx.tx.broadcast({
    session: session.id,
    audience: hidden.length === 0 ? 'all' : { exceptTeams: [...hidden] },
    event: { type: 'location', team: team.id, location: fix },
  });
  return ok({ accepted: true });
};

/** Older than the player's last recorded report, or that very report again (LOCATION-8). */
function isNotNewer(
  last: PositionRecord | undefined,
  input: { lat: number; lon: number },
  timestamp: number,
): boolean {
  if (last?.timestamp === undefined) return false;
  if (timestamp !== last.timestamp) return timestamp < last.timestamp;
  return input.lat === last.lat && input.lon === last.lon;
}

/** Which report, no older than the team's position, becomes it when several phones send (LOCATION-3). */
function accepts(current: LocationFix | null, fix: LocationFix): boolean {
  if (current === null || fix.accuracy < PRECISE_M) return true;
  const ratio = current.accuracy === 0 ? Infinity : fix.accuracy / current.accuracy;
  const age = fix.timestamp - current.timestamp;
  return ratio < 1 || (age > 15_000 && ratio < 1.5) || age > 30_000;
}

/**
 * Adds a trail point when the team moved more than 20 m and 10 s since the last one; a point reported in
 * grace keeps the teams it is hidden from.
 */
function extendTrack(
  ctx: HandlerContext,
  team: TeamRecord,
  fix: LocationFix,
  hidden: readonly number[],
): TeamRecord['lastTrackPoint'] {
  const last = team.lastTrackPoint;
  const point = { lat: fix.lat, lon: fix.lon, timestamp: Math.max(fix.timestamp, last?.timestamp ?? 0) };
  if (
    last !== null &&
    (haversineMetres(last, fix) <= TRACK_MIN_METRES || point.timestamp - last.timestamp <= TRACK_MIN_MS)
  ) {
    return last;
  }
  const hiddenFrom = hidden.length === 0 ? {} : { hiddenFrom: hidden };
  ctx.tx.put('trackPoint', {
    id: ctx.tx.newIdIn('trackPoint', team.session),
    team: team.id,
    ...point,
    ...hiddenFrom,
  });
  return point;
}

export const locationList: Handler<'location.list'> = (command, ctx) => {
  const teams =
    command.team === undefined ? teamsOf(ctx.tx, ctx.session as number) : [findTeam(ctx, command.team)];
  const known = teams.filter((t): t is TeamRecord => !isOutcome(t));
  if (known.length < teams.length) return notFound('team', command.team ?? 0);
  const since = command.since ?? -Infinity;
  const points = ctx.tx.all('trackPoint');
  const reader = readerTeam(ctx);
  return ok(
    known
      // A catcher's connection does not get the trail of a team in grace either (VISIBILITY-3), nor,
      // while the game runs, the points reported in a grace while its team was a catcher (VISIBILITY-4).
      .filter((t) => trailVisible(ctx, t))
      .map((t) => ({
        team: t.id,
        track: points
          .filter((p) => p.team === t.id && p.timestamp >= since && !hiddenFrom(reader, p.hiddenFrom))
          .map(({ lat, lon, timestamp }) => ({ lat, lon, timestamp })),
      })),
  );
};

export const eventList: Handler<'event.list'> = (_command, ctx) =>
  ok(eventsOf(teamsOf(ctx.tx, ctx.session as number)));
