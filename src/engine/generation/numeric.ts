/** Float-to-integer conversions of the points formula (POINTS: truncation toward zero). */

// Float noise such as 64^(1/3) = 3.9999999999999996 must not knock an exact integer result down by one
// (the reference documents ±1 deviations at such boundaries; we resolve them towards the exact value).
const SNAP = 1e-9;

// −0 would survive JSON as 0 but compares unequal under Object.is; normalise it away.
const noNegativeZero = (x: number): number => (x === 0 ? 0 : x);

/** Truncates toward zero, first snapping values within 1e-9 of an integer onto it. */
export function truncate(x: number): number {
  const nearest = Math.round(x);
  return noNegativeZero(Math.abs(x - nearest) < SNAP ? nearest : Math.trunc(x));
}

/** Rounds to the nearest integer, halves away from zero (Rust's `f64::round`). */
export function roundHalfAwayFromZero(x: number): number {
  return noNegativeZero(Math.sign(x) * Math.round(Math.abs(x)));
}
