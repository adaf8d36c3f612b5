import { haversineMetres, type LatLon } from '../generation/distance.js';

/** The farthest two teams may be apart for a catch (CATCH-1). */
export const CATCH_RADIUS_M = 300;

/**
 * The distance rule of a catch: how far apart the catcher and the runner are, and whether that is close
 * enough. Pure, and shared with the player app, whose pre-check must give the engine's answer.
 */
export function catchReach(catcher: LatLon, caught: LatLon): { metres: number; inReach: boolean } {
  const metres = haversineMetres(catcher, caught);
  return { metres, inReach: metres <= CATCH_RADIUS_M };
}
