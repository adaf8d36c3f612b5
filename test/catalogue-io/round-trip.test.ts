import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueTables, ImportPlan } from '../../src/catalogue-io/index.js';
import {
  diffPlan,
  isUnchanged,
  parseCatalogueTables,
  writeCatalogueTables,
} from '../../src/catalogue-io/index.js';
import type { Catalogue } from '../../src/engine/catalogue/types.js';
import { closeClients, removeTempDirs, stopTestServers } from '../helpers/index.js';
import { readFixtureTables } from './fixture.js';
import { engineWith, liveEngine, type LiveEngine } from './live-engine.js';
import { smallTables } from './small-sheet.js';

/**
 * A sector table with each row's neighbour letters sorted: neighbours are a set, and the engine keeps
 * them in the order they were linked, which is not the sheet's order.
 */
const sortedNeighbours = (sectors: string): string =>
  sectors.replace(
    /^([A-Z]),([A-Z]*)$/gm,
    (_row, name: string, letters: string) => `${name},${[...letters].sort().join('')}`,
  );

/** What an import writes, without where it came from (source lines, the sheet's own ids). */
function records(plan: ImportPlan) {
  return {
    sets: plan.sets,
    sectors: plan.sectors.map((s) => ({ ...s, neighbours: [...s.neighbours].sort() })),
    zones: plan.zones,
    travelMinutes: plan.travelMinutes,
    challenges: plan.challenges.map(({ key, challenge }) => ({ key, challenge })),
  };
}

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('[IMPORT-5] export → import is a fixed point on the real engine', () => {
  const first = parseCatalogueTables(readFixtureTables());
  let engine: LiveEngine;
  let catalogue: Catalogue;
  let exported: CatalogueTables;
  let second: ImportPlan;

  beforeAll(async () => {
    engine = await liveEngine();
    await engine.import(readFixtureTables());
    catalogue = await engine.catalogue();
    exported = writeCatalogueTables(catalogue);
    second = parseCatalogueTables(exported);
  }, 120_000);

  it('re-reads the export without a rejection and with the same records', () => {
    expect(second.rejected).toEqual([]);
    expect(second.counts.challenges).toEqual({ imported: 144, skipped: 0, rejected: 0 });
    expect(records(second)).toEqual(records(first));
  });

  it('carries the engine ids in the id column, so the re-import matches by id', () => {
    expect(second.challenges.map((c) => c.id)).toEqual(
      [...catalogue.challenges.keys()].sort((a, b) => a - b),
    );
    expect(isUnchanged(diffPlan(second, catalogue))).toBe(true);
  });

  it('exports the same text again after re-importing its own export', async () => {
    const report = await engine.import(exported);
    expect(report.changed).toBe(false);
    expect(writeCatalogueTables(await engine.catalogue())).toEqual(exported);
  });

  it('writes the reference layout: reference columns in order, then ours; authors’ kind spelling', () => {
    const [header, firstRow] = exported.challenges.split('\n');
    expect(header).toBe(readFixtureTables().challenges.split('\n')[0] + ',id');
    expect(firstRow).toMatch(
      /^Approved,kaff,"base,og",,,Hüntwangen,114,,5,4,1,1,0,0,0,0,0,0,0,0,0,false,false,false,false,/,
    );
    expect(exported.zones.split('\n')[1]).toBe('110,11,640,true,false,CEHLNORW,true');
    // The same rows, sectors in the same order; the fixture lists each row's neighbours alphabetically.
    expect(sortedNeighbours(exported.sectors)).toBe(readFixtureTables().sectors);
    expect(exported.distances).toBe(readFixtureTables().distances);
    expect(exported.challenges).toContain(',z_kaff,');
    expect(exported.challenges).toContain('"Sagt laut ""Grüezi"" zu einer Kuh."');
  });

  it('keeps line breaks inside cells across the round trip', async () => {
    const tables = smallTables([
      {
        status: 'Approved',
        challenge_type: 'unspezifisch',
        sets: 'base',
        title: 'Zwei Zeilen',
        description: 'eins\nzwei',
      },
    ]);
    const plan = parseCatalogueTables(tables);
    const engine = await engineWith(tables);
    const again = parseCatalogueTables(writeCatalogueTables(await engine.catalogue()));
    expect(records(again)).toEqual(records(plan));
    expect(again.challenges[0]?.challenge.description).toBe('eins\nzwei');
  });
});
