import { afterAll, describe, expect, it } from 'vitest';
import {
  diffPlan,
  isUnchanged,
  parseCatalogueTables,
  writeCatalogueTables,
} from '../../src/catalogue-io/index.js';
import { closeClients, removeTempDirs, stopTestServers } from '../helpers/index.js';
import { engineWith } from './live-engine.js';
import { syntheticTables } from './synthetic-sheet.js';

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('synthetic 1,000-row sheet (load-test helper)', () => {
  const tables = syntheticTables(1000, 7);
  const plan = parseCatalogueTables(tables);

  it('imports every row, with every kind and status', () => {
    expect(plan.rejected).toEqual([]);
    expect(plan.counts.challenges).toEqual({ imported: 1000, skipped: 0, rejected: 0 });
    expect(new Set(plan.challenges.map((c) => c.challenge.kind)).size).toBe(6);
    expect(new Set(plan.challenges.map((c) => c.challenge.status)).size).toBe(6);
    expect(plan.counts.zones.imported).toBe(10);
    expect(plan.counts.distances.imported).toBe(100);
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(syntheticTables(1000, 7)).toEqual(tables);
    expect(syntheticTables(1000, 8).challenges).not.toEqual(tables.challenges);
  });

  it('numbers lines past its multi-line cells (rows 2, 50, 98, … span two lines)', () => {
    expect(plan.challenges.slice(0, 5).map((c) => c.line)).toEqual([2, 3, 4, 6, 7]);
    expect(plan.challenges[999]?.line).toBe(2 + 999 + 21);
  });

  it('imports into the real engine, round-trips and re-imports as unchanged', async () => {
    const catalogue = await (await engineWith(tables)).catalogue();
    expect(catalogue.challenges.size).toBe(1000);
    expect(isUnchanged(diffPlan(parseCatalogueTables(tables), catalogue))).toBe(true);
    expect(isUnchanged(diffPlan(parseCatalogueTables(writeCatalogueTables(catalogue)), catalogue))).toBe(
      true,
    );
  }, 120_000);
});
