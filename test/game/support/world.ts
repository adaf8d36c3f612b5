import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { TeamRecord } from '../../../src/engine/game/types.js';
import type { EngineState } from '../../../src/engine/state.js';
import type { teamSchema } from '../../../src/protocol/game.js';
import { PassphraseSealer } from '../../../src/runtime/passphrase.js';
import type { Reply } from './drivers.js';

export type TeamView = z.infer<typeof teamSchema>;

/** Seals passphrases as the server's boundary does, so `player.add` can be called without a connection. */
const sealer = new PassphraseSealer(randomBytes(32));
export const sealed = (passphrase: string): string => sealer.seal(passphrase);

/** The result of an accepted command (fails the test with the error otherwise). */
export function accepted<T>(reply: Reply, what = 'command'): T {
  if (!reply.ok) throw new Error(`${what} was refused: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

/** The error code of a refused command (fails the test if it was accepted). */
export function refusedWith(reply: Reply): string {
  if (reply.ok) throw new Error(`expected a refusal, got ${JSON.stringify(reply.result).slice(0, 300)}`);
  return reply.error.code;
}

export const teamOf = (state: EngineState, id: number): TeamRecord => {
  const team = state.tables.team.get(id);
  if (team === undefined) throw new Error(`no team ${id}`);
  return team;
};

/** A deep copy of a team record without its newest trail point (which every period moves on). */
export function standingCopy(team: TeamRecord): Omit<TeamRecord, 'lastTrackPoint'> {
  const { lastTrackPoint: _ignored, ...rest } = structuredClone(team);
  return rest;
}

const EARTH_RADIUS_M = 6_371_008.8;
const deg = (rad: number): number => (rad * 180) / Math.PI;

/** A position `metres` east (negative: west) of `from`. */
export const east = (from: { lat: number; lon: number }, metres: number): { lat: number; lon: number } => ({
  lat: from.lat,
  lon: from.lon + deg(metres / EARTH_RADIUS_M / Math.cos((from.lat * Math.PI) / 180)),
});

/** Units of a coordinate on LOCATION-7's grid: validation rounds positions to 7 decimals. */
export const GRID = 1e7;

/** A position as validation leaves it (LOCATION-7). */
export const onGrid = (p: { lat: number; lon: number }): { lat: number; lon: number } => ({
  lat: Math.round(p.lat * GRID) / GRID,
  lon: Math.round(p.lon * GRID) / GRID,
});

/** A position `metres` north (negative: south) of `from`. */
export const north = (from: { lat: number; lon: number }, metres: number): { lat: number; lon: number } => ({
  lat: from.lat + deg(metres / EARTH_RADIUS_M),
  lon: from.lon,
});

/**
 * The reference's catch distance (CATCH-2): the haversine with latitude and longitude
 * swapped. Only used to show that a test position tells the correct formula from the buggy one.
 */
export function swappedMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const [aLat, aLon, bLat, bLon] = [a.lon, a.lat, b.lon, b.lat];
  const h =
    Math.sin(rad(bLat - aLat) / 2) ** 2 +
    Math.cos(rad(aLat)) * Math.cos(rad(bLat)) * Math.sin(rad(bLon - aLon) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A fix as a phone sends it. */
export const fix = (
  position: { lat: number; lon: number },
  timestamp: number,
  accuracy = 10,
): { lat: number; lon: number; accuracy: number; heading: null; speed: null; timestamp: number } => ({
  ...position,
  accuracy,
  heading: null,
  speed: null,
  timestamp,
});

/** Zürich HB. */
export const HB = { lat: 47.3779, lon: 8.5403 };
