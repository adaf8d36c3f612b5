/**
 * Distances. Zone-to-zone distances are travel minutes looked up in the curated, directed matrix
 * (HAND-7) — no geometry. Geographic distances between GPS positions are the protocol's
 * `haversineMetres` (src/protocol/geo.ts).
 */
import type { Challenge, Zone } from '../catalogue/types.js';

/** Matrix minutes from `from` to the zone with id `toId`; undefined when the row has no entry. */
export function minutesBetween(from: Zone, toId: number): number | undefined {
  return from.minutesTo[toId];
}

/**
 * Minutes from the team's zone to the challenge's closest listed zone that has a matrix entry, or 0 when
 * the challenge lists no zone or none has an entry (HAND-7: such challenges always count as "near").
 */
export function challengeDistance(teamZone: Zone, challenge: Challenge): number {
  const known = challenge.zones.map((id) => minutesBetween(teamZone, id)).filter((m) => m !== undefined);
  return known.length === 0 ? 0 : Math.min(...known);
}

/**
 * Ids of the zones whose minutes in `from`'s matrix row lie in `[min, max)`, ascending. Only zones with
 * an entry in the row qualify (the row's own zone too, if the diagonal is filled).
 */
export function zonesWithin(from: Zone, min: number, max: number): number[] {
  return Object.entries(from.minutesTo)
    .filter(([, minutes]) => minutes >= min && minutes < max)
    .map(([id]) => Number(id))
    .sort((a, b) => a - b);
}

/**
 * Re-exported for the location intake (LOCATION-5): the geographic distance lives in the protocol, so that
 * clients measure exactly as the engine does (CATCH-6).
 */
export { haversineMetres } from '../../protocol/geo.js';
