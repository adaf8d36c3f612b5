/**
 * Distances between GPS positions, shared by the engine (the catch rule, the trail) and clients (a
 * phone's pre-check before it sends a catch), so that both measure the same way. Pure.
 */

/** A GPS position in decimal degrees (WGS-84). */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** Mean Earth radius (IUGG) in metres. */
const EARTH_RADIUS_M = 6_371_008.8;

const rad = (deg: number): number => (deg * Math.PI) / 180;

/**
 * Great-circle distance in metres between two positions: the haversine on a sphere of mean Earth radius,
 * with (latitude, longitude) in that order (the reference swapped them, CATCH-2). Within ~0.5 % of the
 * WGS-84 geodesic, ample for a 300 m catch radius.
 */
export function haversineMetres(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
