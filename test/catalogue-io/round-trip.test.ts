import { describe, expect, it } from 'vitest';
import type { ImportPlan } from '../../src/catalogue-io/index.js';
import {
  diffPlan,
  isUnchanged,
  parseCatalogueTables,
  writeCatalogueTables,
} from '../../src/catalogue-io/index.js';
import { applyPlan } from './fake-engine.js';
import { readFixtureTables } from './fixture.js';
import { smallTables } from './small-sheet.js';

/** What an import writes, without where it came from (source lines, the sheet's own ids). */
function records(plan: ImportPlan) {
  return {
    sets: plan.sets,
    sectors: plan.sectors,
    zones: plan.zones,
    travelMinutes: plan.travelMinutes,
    challenges: plan.challenges.map(({ key, challenge }) => ({ key, challenge })),
  };
}

describe('[IMPORT-5] export → import is a fixed point', () => {
  const first = parseCatalogueTables(readFixtureTables());
  const catalogue = applyPlan(first);
  const exported = writeCatalogueTables(catalogue);
  const second = parseCatalogueTables(exported);

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

  it('exports the same text again after re-importing its own export', () => {
    expect(writeCatalogueTables(applyPlan(second, catalogue))).toEqual(exported);
    expect(writeCatalogueTables(applyPlan(second))).toEqual(writeCatalogueTables(applyPlan(first)));
  });

  it('writes the reference layout: reference columns in order, then ours; authors’ kind spelling', () => {
    const [header, firstRow] = exported.challenges.split('\n');
    expect(header).toBe(readFixtureTables().challenges.split('\n')[0] + ',id');
    expect(firstRow).toMatch(
      /^Approved,kaff,"base,og",,,Hüntwangen,114,,5,4,1,1,0,0,0,0,0,0,0,0,0,false,false,false,false,/,
    );
    expect(exported.zones.split('\n')[1]).toBe('110,11,640,true,false,CEHLNORW,true');
    expect(exported.sectors).toBe(readFixtureTables().sectors);
    expect(exported.distances).toBe(readFixtureTables().distances);
    expect(exported.challenges).toContain(',z_kaff,');
    expect(exported.challenges).toContain('"Sagt laut ""Grüezi"" zu einer Kuh."');
  });

  it('keeps line breaks inside cells across the round trip', () => {
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
    const again = parseCatalogueTables(writeCatalogueTables(applyPlan(plan)));
    expect(records(again)).toEqual(records(plan));
    expect(again.challenges[0]?.challenge.description).toBe('eins\nzwei');
  });
});
