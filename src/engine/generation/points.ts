/**
 * The points formula (POINTS-1 to POINTS-10): fixed challenges get exactly
 * F = additionalPoints + repetitions × pointsPerRep — no bias, underdog or noise — and final points are
 * clamped at 0 (POINTS-8, POINTS-9); repetition ranges are inclusive (POINTS-10). Every float-to-integer
 * step truncates toward zero, as in the reference.
 *
 * Decision (spec unclear): a missing diagonal matrix entry (travel from a zone to itself) counts as
 * 0 minutes without being reported; other missing entries count as 0 and are reported by the caller.
 */
import type { Challenge, RepetitionRange, Zone } from '../catalogue/types.js';
import type { GameConfig } from '../config/game-config.js';
import type { Rng } from '../rng.js';
import type { Weekday } from '../time-zone.js';
import { roundHalfAwayFromZero, truncate } from './numeric.js';
import type { PointsBreakdown } from './types.js';

/** The breakdown without the slot context that generation adds. */
export type PointsTerms = Omit<PointsBreakdown, 'slot' | 'level'>;

/**
 * Draws the repetition count uniformly from `[min, max]`, both included (POINTS-10). A malformed range
 * (max < min, which validation rejects) yields min.
 */
export function drawRepetitions(range: RepetitionRange, rng: Rng): number {
  return rng.int(range.min, Math.max(range.min, range.max));
}

/** Points for going to a zone (POINTS-2), floored, and 0 when not positive. */
export function zonicKaffness(zone: Zone, config: GameConfig): number {
  const raw =
    (6 - zone.numConnZones) * config.pointsPerConnectedZoneLessThan6 +
    (6 - Math.sqrt(zone.numConnections)) * config.pointsPerBadConnectivityIndex +
    (zone.trainThrough ? 0 : config.pointsForNoTrain) +
    (zone.mongus ? config.pointsForMongus : 0);
  return Math.max(0, truncate(raw));
}

/** `trunc(multiplier · minutes ^ exponent)`. */
export function travelPoints(minutes: number, config: GameConfig): number {
  return truncate(config.travelMinutesMultiplier * minutes ** config.travelMinutesExponent);
}

/** `trunc((base − departures ^ exponent) · multiplier)`: fewer departures per hour, more points. */
export function departuresPoints(departures: number, config: GameConfig): number {
  return truncate(
    (config.zkaffDeparturesBase - departures ** config.zkaffDeparturesExponent) *
      config.zkaffDeparturesMultiplier,
  );
}

function baseTerms(c: Challenge, repetitions: number, config: GameConfig): PointsTerms['base'] {
  const terms = {
    additionalPoints: c.additionalPoints,
    kaffskala: c.kaffskala === null ? 0 : truncate(c.kaffskala * config.pointsPerKaffness),
    grade: c.grade === null ? 0 : truncate(c.grade * config.pointsPerGrade),
    walking: truncate(c.walkingTime * config.pointsPerWalkingMinute),
    stationary: truncate(c.stationaryTime * config.pointsPerStationaryMinute),
    repetitions: repetitions * c.pointsPerRep,
  };
  return { ...terms, total: Object.values(terms).reduce((a, b) => a + b, 0) };
}

function zoneTerms(zone: Zone | null, teamZone: Zone, config: GameConfig): PointsTerms['zone'] {
  if (!zone) return null;
  const travelMinutes = teamZone.minutesTo[zone.id] ?? (zone.id === teamZone.id ? 0 : null);
  const zonic = zonicKaffness(zone, config);
  const travel = travelPoints(travelMinutes ?? 0, config);
  return {
    zoneId: zone.id,
    zoneNumber: zone.number,
    zonicKaffness: zonic,
    travelMinutes,
    travel,
    total: zonic + travel,
  };
}

function zkaffTerms(c: Challenge, config: GameConfig): PointsTerms['zkaff'] {
  if (c.kind !== 'ZKaff') return null;
  const terms = {
    deadEnd: c.deadEnd ? config.zkaffPointsForDeadEnd : 0,
    stationDistance: truncate(c.stationDistance / config.zkaffStationDistanceDivisor),
    timeToHb: truncate(c.timeToHb * config.zkaffPointsPerMinuteToHb),
    departures: departuresPoints(c.departures, config),
  };
  return { ...terms, total: terms.deadEnd + terms.stationDistance + terms.timeToHb + terms.departures };
}

function biasStep(c: Challenge, weekday: Weekday, p: number): NonNullable<PointsTerms['bias']> {
  if (weekday === 6) return { day: 'Saturday', factor: c.biasSat, after: truncate(p * c.biasSat) };
  if (weekday === 0) return { day: 'Sunday', factor: c.biasSun, after: truncate(p * c.biasSun) };
  return { day: null, factor: 1, after: p };
}

function underdogStep(
  gap: number | null,
  p: number,
  config: GameConfig,
): NonNullable<PointsTerms['underdog']> {
  const beyond = gap === null ? 0 : gap - config.underdogStartingDifference;
  if (beyond <= 0) return { gap, factor: 1, after: p };
  const factor = 1 + (beyond * config.underdogMultiplierPer1000) / 1000;
  return { gap, factor, after: truncate(p * factor) };
}

/** Normal noise with sd = |p| · relativeStandardDeviation, rounded; no draw at all when sd is 0. */
function noiseStep(p: number, config: GameConfig, rng: Rng): NonNullable<PointsTerms['noise']> {
  const standardDeviation = Math.abs(p) * config.relativeStandardDeviation;
  const value = standardDeviation > 0 ? roundHalfAwayFromZero(rng.normal() * standardDeviation) : 0;
  return { standardDeviation, value, after: p + value };
}

export interface PointsInput {
  challenge: Challenge;
  /** Already drawn ({@link drawRepetitions}). */
  repetitions: number;
  /** The offer's zone (HAND-11), or null. */
  zone: Zone | null;
  teamZone: Zone;
  /** Whether the slot zones Zoneables: a Zoneable then earns the zoneable bonus, zone found or not. */
  zoned: boolean;
  /** Local weekday of the generation (0 = Sunday, 6 = Saturday). */
  weekday: Weekday;
  /** Leader's points minus the team's, floored at 0; null disables the underdog bonus. */
  underdogGap: number | null;
  config: GameConfig;
  rng: Rng;
}

/**
 * Computes an offer's points with every term of the formula. Draws from `rng` only for the noise of a
 * non-fixed challenge with a non-zero standard deviation.
 */
export function computePoints(input: PointsInput): PointsTerms {
  const { challenge: c, repetitions, config } = input;
  const base = baseTerms(c, repetitions, config);
  const zone = zoneTerms(input.zone, input.teamZone, config);
  const zkaff = zkaffTerms(c, config);
  const zoneableBonus = c.kind === 'Zoneable' && input.zoned ? config.pointsForZoneable : 0;
  const subtotal = base.total + (zone?.total ?? 0) + (zkaff?.total ?? 0) + zoneableBonus;
  const common = { challengeId: c.id, repetitions, base, zone, zkaff, zoneableBonus, subtotal };
  if (c.fixed) {
    const fixedPoints = c.additionalPoints + repetitions * c.pointsPerRep;
    const clamped = { unclamped: fixedPoints, points: Math.max(0, fixedPoints) };
    return { ...common, bias: null, underdog: null, noise: null, fixedPoints, ...clamped };
  }
  const bias = biasStep(c, input.weekday, subtotal);
  const underdog = underdogStep(input.underdogGap, bias.after, config);
  const noise = noiseStep(underdog.after, config, input.rng);
  return {
    ...common,
    bias,
    underdog,
    noise,
    fixedPoints: null,
    unclamped: noise.after,
    points: Math.max(0, noise.after),
  };
}
