import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { PointsBreakdown } from '../../src/engine/generation/types.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import { cli, cliJson, FIXTURE_DIR } from './support.js';

interface PreviewJson {
  seed: number;
  at: number;
  phase: unknown;
  offers: { challengeId: number; title: string; points: number; zoneId: number | null }[];
  breakdowns: PointsBreakdown[];
  problems: string[];
}

const SLOW = 180_000;
/** A Wednesday late morning in Zürich: Normal phase, no weekend bias. */
const WEDNESDAY = '2026-06-03T11:00:00+02:00';

let server: TestServer;
let client: TruinlagClient;

beforeAll(async () => {
  server = await startTestServer();
  client = await openClient({ socket: server.socketPath });
  await cliJson(server.socketPath, ['import', FIXTURE_DIR]);
}, SLOW);

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

/** Checks that an offer's terms add up, step by step, to its points (POINTS-1 to POINTS-9). */
function expectTermsSumToPoints(b: PointsBreakdown, topScoreFactor: number): void {
  const base = b.base;
  expect(
    base.additionalPoints + base.kaffskala + base.grade + base.walking + base.stationary + base.repetitions,
  ).toBe(base.total);
  if (b.zone !== null) expect(b.zone.zonicKaffness + b.zone.travel).toBe(b.zone.total);
  if (b.zkaff !== null) {
    expect(b.zkaff.deadEnd + b.zkaff.stationDistance + b.zkaff.timeToHb + b.zkaff.departures).toBe(
      b.zkaff.total,
    );
  }
  expect(base.total + (b.zone?.total ?? 0) + (b.zkaff?.total ?? 0) + b.zoneableBonus).toBe(b.subtotal);
  if (b.fixedPoints !== null) {
    expect([b.bias, b.underdog, b.noise]).toEqual([null, null, null]);
    expect(b.unclamped).toBe(b.fixedPoints);
  } else {
    expect(b.bias).toEqual({ day: null, factor: 1, after: b.subtotal }); // a weekday
    expect(b.underdog?.factor).toBe(topScoreFactor);
    expect(b.underdog?.after).toBe(Math.trunc(b.subtotal * topScoreFactor));
    expect(b.noise).toEqual({ standardDeviation: 0, value: 0, after: b.underdog?.after }); // --no-wiggle
    expect(b.unclamped).toBe(b.noise?.after);
  }
  expect(b.points).toBe(Math.max(0, b.unclamped));
}

describe('[HAND-14] truinlag preview', () => {
  it(
    'with --no-wiggle the same request gives the same hand, and every offer’s terms sum to its points',
    async () => {
      const args = ['preview', '--zone', '121', '--at', WEDNESDAY, '--seed', '42', '--no-wiggle'];
      const one = await cliJson<PreviewJson>(server.socketPath, args);
      const two = await cliJson<PreviewJson>(server.socketPath, args);
      expect(two).toEqual(one);
      expect(one.seed).toBe(42);
      expect(one.at).toBe(Date.parse(WEDNESDAY));
      expect(one.offers).toHaveLength(3);
      expect(one.breakdowns).toHaveLength(3);
      for (const [i, b] of one.breakdowns.entries()) {
        expect(b.challengeId).toBe(one.offers[i]?.challengeId);
        expect(b.points).toBe(one.offers[i]?.points);
        expectTermsSumToPoints(b, 1);
      }
      // The terms are the formula's, not just consistent with each other: check them against the stored data.
      const zones = await client.request({ type: 'zone.list' });
      for (const b of one.breakdowns) {
        const challenge = await client.request({ type: 'challenge.get', id: b.challengeId });
        expect(b.base.kaffskala).toBe((challenge.kaffskala ?? 0) * 90);
        expect(b.base.grade).toBe((challenge.grade ?? 0) * 20);
        expect(b.base.additionalPoints).toBe(challenge.additionalPoints);
        if (b.zone !== null) {
          const from = zones.find((z) => z.number === 121);
          expect(b.zone.travelMinutes).toBe(
            from?.minutesTo[b.zone.zoneId] ?? (b.zone.zoneNumber === 121 ? 0 : null),
          );
          expect(b.zone.travel).toBe(Math.trunc(3 * (b.zone.travelMinutes ?? 0) ** 1.4));
        }
      }
    },
    SLOW,
  );

  it(
    'the score gap feeds the underdog term; without --no-wiggle the points are noisy',
    async () => {
      const behind = await cliJson<PreviewJson>(server.socketPath, [
        'preview',
        '--zone',
        '110',
        '--at',
        WEDNESDAY,
        '--seed',
        '7',
        '--no-wiggle',
        '--points',
        '500',
        '--top-score',
        '2500',
      ]);
      // Gap 2,000 − 1,000 = 1,000 beyond the start: × (1 + 1,000 · 0.25 / 1,000) = 1.25.
      for (const b of behind.breakdowns) expectTermsSumToPoints(b, 1.25);

      const noisy = await cliJson<PreviewJson>(server.socketPath, [
        'preview',
        '--zone',
        '110',
        '--at',
        WEDNESDAY,
        '--seed',
        '7',
      ]);
      const notFixed = noisy.breakdowns.filter((b) => b.fixedPoints === null && b.subtotal > 0);
      expect(notFixed.length).toBeGreaterThan(0);
      for (const b of notFixed)
        expect(b.noise?.standardDeviation).toBeCloseTo(Math.abs(b.underdog?.after ?? 0) * 0.05);
    },
    SLOW,
  );

  it(
    'prints the hand and every term as tables; names a sector and sets by letter and name',
    async () => {
      const run = await cli(server.socketPath, [
        'preview',
        '--zone',
        '110',
        '--sector',
        'c',
        '--sets',
        'base,family',
        '--at',
        WEDNESDAY,
        '--seed',
        '3',
        '--no-wiggle',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^Phase Normal at 2026-06-03T09:00:00\.000Z, seed 3$/m);
      for (const term of [
        'additional points',
        'kaffskala',
        'grade',
        'walking',
        '= base',
        '= subtotal',
        '= points',
      ]) {
        expect(run.stdout).toContain(term);
      }
      expect(run.stdout.match(/^Offer \d: /gm)).toHaveLength(3);

      const unknown = await cli(server.socketPath, ['preview', '--zone', '999']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No zone with number 999.');
    },
    SLOW,
  );
});
