/**
 * Several runs of the benchmark reduced to one record: every number is the median of its runs, so that
 * one lucky (or unlucky) run on a shared machine cannot be the record; `spread` gives a number's median
 * with its lowest and highest run beside it.
 */
import { percentile, round } from './harness.js';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Each value's median over the runs, field by field; runs that lack a value (null: a case that could not
 * run) are left out of its median, and non-numbers are taken from the first run that has them.
 */
export function medianOf<T>(all: readonly T[]): T {
  const runs = all.filter((run) => run !== null && run !== undefined);
  const first = (runs[0] ?? all[0]) as T;
  if (typeof first === 'number') return spread(runs as readonly number[]).median as T;
  if (Array.isArray(first))
    return first.map((_, i) => medianOf(runs.map((run) => (run as unknown[])[i]))) as T;
  if (typeof first === 'object' && first !== null) {
    const record = first as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record).map((key) => [
        key,
        medianOf(runs.map((run) => (run as Record<string, unknown>)[key])),
      ]),
    ) as T;
  }
  return first;
}

/** The median of the values (the lower middle one of an even count), with the lowest and highest. */
export function spread(values: readonly number[]): Spread {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  return {
    median: round(percentile(sorted, 50), 3),
    min: round(sorted[0] ?? Number.NaN, 3),
    max: round(sorted.at(-1) ?? Number.NaN, 3),
  };
}

/** "median (min–max)" */
export const showSpread = (s: Spread, digits = 2): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
