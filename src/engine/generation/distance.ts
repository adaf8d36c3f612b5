/**
 * Distances. Zone-to-zone distances are travel minutes looked up in the curated, directed matrix
 * (HAND-7) — no geometry. Geographic distances between GPS positions use the haversine formula with
 * (latitude, longitude) in that order (the reference swapped them, CATCH-2).
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

/** A GPS position in decimal degrees (WGS-84). */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Mean Earth radius (IUGG) in metres. */
const EARTH_RADIUS_M = 6_371_008.8;

const rad = (deg: number): number => (deg * Math.PI) / 180;

/**
 * Great-circle distance in metres between two positions (haversine on a sphere of mean Earth radius;
 * within ~0.5 % of the WGS-84 geodesic, ample for a 300 m catch radius).
 */
export function haversineMetres(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
