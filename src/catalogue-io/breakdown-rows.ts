import type { PointsBreakdown } from '../protocol/generation.js';

/** One term of an offer's points as people read it: its name, its value and what it came from. */
// A type, not an interface: the CLI's table printer takes records with an index signature.
export type BreakdownRow = { term: string; points: string; note: string };

/**
 * Every term of one offer's points (POINTS), in the order the formula applies them: the breakdown the
 * CLI's preview and the dashboard's show.
 */
export function breakdownRows(b: PointsBreakdown): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  const row = (term: string, points: number | string, note = ''): void => {
    rows.push({ term, points: String(points), note });
  };
  row('slot', '', `${b.slot}, fallback level ${b.level}, repetitions ${b.repetitions}`);
  row('additional points', b.base.additionalPoints);
  row('kaffskala', b.base.kaffskala);
  row('grade', b.base.grade);
  row('walking', b.base.walking);
  row('stationary', b.base.stationary);
  row('repetitions', b.base.repetitions);
  row('= base', b.base.total);
  if (b.zone !== null) {
    row('zonic kaffness', b.zone.zonicKaffness, `zone ${b.zone.zoneNumber}`);
    row(
      'travel',
      b.zone.travel,
      b.zone.travelMinutes === null ? 'no matrix entry (0 min)' : `${b.zone.travelMinutes} min`,
    );
    row('= zone', b.zone.total);
  }
  if (b.zkaff !== null) {
    row('dead end', b.zkaff.deadEnd);
    row('station distance', b.zkaff.stationDistance);
    row('time to HB', b.zkaff.timeToHb);
    row('departures', b.zkaff.departures);
    row('= ZKaff', b.zkaff.total);
  }
  if (b.zoneableBonus !== 0) row('zoneable bonus', b.zoneableBonus);
  row('= subtotal', b.subtotal);
  if (b.fixedPoints !== null) row('fixed points', b.fixedPoints, 'fixed: no bias, underdog or noise');
  if (b.bias !== null) row('→ weekday bias', b.bias.after, `${b.bias.day ?? 'weekday'} ×${b.bias.factor}`);
  if (b.underdog !== null) {
    row('→ underdog', b.underdog.after, `gap ${b.underdog.gap ?? 'none'} ×${b.underdog.factor}`);
  }
  if (b.noise !== null) {
    row('→ noise', b.noise.after, `${signed(b.noise.value)} (sd ${b.noise.standardDeviation.toFixed(2)})`);
  }
  row('= points', b.points, b.points === b.unclamped ? '' : `clamped from ${b.unclamped}`);
  return rows;
}

const signed = (n: number): string => (n >= 0 ? `+${n}` : String(n));
