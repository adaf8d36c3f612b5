/** What the cluster benches share: timed lanes of durable requests, and how their results are summed up. */
import os from 'node:os';
import { percentile, round } from './harness.js';

export const LOAD_MS = 5_000;
export const LANES = 8;

export interface LoadResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * Runs `LANES` lanes for `LOAD_MS`, each awaiting `send(lane, n)` for its n-th request before the next:
 * requests/s and p50/p99 latency (ms).
 */
export async function timedLanes(send: (lane: number, n: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  const end = Date.now() + LOAD_MS;
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      for (let n = 0; Date.now() < end; n++) {
        const started = performance.now();
        await send(lane, n);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round((latencies.length * 1000) / LOAD_MS),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
  };
}

/** min, p50, p90 and max of `values` (ms). */
export function distribution(values: readonly number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export const ratio = (a: LoadResult, b: LoadResult): number =>
  round(a.perSecond / Math.max(1, b.perSecond), 3);

export const loadAverage = (): number[] => os.loadavg().map((l) => round(l, 2));
