import { describe, expect, it } from 'vitest';
import { parseCatalogueTables } from '../../src/catalogue-io/index.js';
import type { Cells } from './small-sheet.js';
import { ROWS, smallTables } from './small-sheet.js';

/** The rejections of a one-row challenge sheet (line 2). */
function rejectionsOf(row: Cells) {
  return parseCatalogueTables(smallTables([row])).rejected.map(({ reason, rule }) => ({ reason, rule }));
}

describe('[IMPORT-2][IMPORT-3] challenge rows are refused, never guessed', () => {
  it.each([
    [
      { ...ROWS.kaff, kaffskala: '7' },
      'kaffskala must be an integer in 1–6, got 7 (column kaffskala)',
      'out-of-range',
    ],
    [
      { ...ROWS.unspezifisch, min_reps: '5', max_reps: '3' },
      'min repetitions 5 exceed max 3 (column min_reps/max_reps)',
      'repetitions-min-above-max',
    ],
    [
      { ...ROWS.zkaff, station_distance: '-5' },
      'stationDistance must be an integer in 0–65535, got -5 (column station_distance)',
      'out-of-range',
    ],
    [
      { ...ROWS.unspezifisch, walking_time: '2.5' },
      'walkingTime must be an integer in 0–255, got 2.5 (column walking_time)',
      'out-of-range',
    ],
    [{ ...ROWS.kaff, sets: 'base,unknown' }, 'unknown challenge set "unknown"', 'unknown-set'],
    [{ ...ROWS.zkaff, sector: 'AX' }, 'sector X is not in the sector table', 'unknown-sector'],
    [
      { ...ROWS.kaff, zone: '%z', description: '' },
      'Kaff without a random place needs at least one zone (column zone); Kaff must not use %z in the zone column (column zone)',
      'located-needs-zone',
    ],
    [{ ...ROWS.kaff, challenge_type: 'dorf' }, 'unknown challenge_type "dorf"', 'unknown-kind'],
    [{ ...ROWS.kaff, status: '' }, 'status is empty', 'unknown-status'],
    [
      { ...ROWS.kaff, dead_end: 'vielleicht' },
      'dead_end "vielleicht" is not a boolean (true/false, 1/0, yes/no)',
      undefined,
    ],
    [{ ...ROWS.kaff, id: '0' }, 'id 0 is out of range 1–9007199254740991', undefined],
  ])('%#: %s', (row, reason, rule) => {
    expect(rejectionsOf(row)).toEqual([{ reason, rule }]);
  });

  it('reports every problem of a row at once', () => {
    expect(rejectionsOf({ ...ROWS.kaff, grade: 'fünf', zone: '999', no_disembark: '' })).toEqual([
      {
        reason:
          'zone 999 is not in the zone table; grade "fünf" is not a number; empty boolean cell in no_disembark (write true or false)',
        rule: 'unknown-zone',
      },
    ]);
  });

  it('[CATALOGUE-6] ToSort rows skip the completeness rules but not the structural ones', () => {
    expect(
      rejectionsOf({ ...ROWS.kaff, status: 'to_sort', place: '', title: 'Irgendwo', kaffskala: '' }),
    ).toEqual([]);
    expect(rejectionsOf({ ...ROWS.kaff, status: 'ToSort', place: '' })).toEqual([
      { reason: 'the row has no place, title or description to be keyed by', rule: undefined },
    ]);
    expect(rejectionsOf({ ...ROWS.kaff, status: 'ToSort', kaffskala: '9' })).toEqual([
      { reason: 'kaffskala must be an integer in 1–6, got 9 (column kaffskala)', rule: 'out-of-range' },
    ]);
  });

  it('refuses a row repeating an earlier row’s kind and name, or id', () => {
    const plan = parseCatalogueTables(
      smallTables([
        ROWS.kaff,
        { ...ROWS.kaff, place: ' bachs ', grade: '6' },
        { ...ROWS.zkaff, id: '4' },
        { ...ROWS.unspezifisch, id: '4' },
      ]),
    );
    expect(plan.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'the same kind and name as line 2 (an upsert key must be unique)'],
      [5, 'the same id as line 4 (an upsert key must be unique)'],
    ]);
  });

  it('accepts extra set names the engine already has', () => {
    const tables = smallTables([{ ...ROWS.kaff, sets: 'Base, Wintersport' }]);
    expect(parseCatalogueTables(tables).rejected).toHaveLength(1);
    const plan = parseCatalogueTables(tables, { extraSetNames: ['wintersport'] });
    expect(plan.rejected).toEqual([]);
    expect(plan.challenges[0]?.challenge.sets).toEqual(['base', 'wintersport']);
  });
});

describe('zone, distance and sector rows', () => {
  const base = smallTables();

  it('refuses zones with unknown sectors, missing metrics, bad booleans or a repeated number', () => {
    const zones = base.zones + '113,1,x,true,false,Z\n114,,5,ja,false,\n110,1,1,true,true,A\n';
    const plan = parseCatalogueTables({ ...base, zones });
    expect(plan.rejected.filter((r) => r.table === 'zones').map((r) => [r.line, r.reason])).toEqual([
      [5, 'unknown sector(s) Z in sectors; num connections "x" is not a number'],
      [6, 'num conn zones is empty; train through "ja" is not a boolean (true/false, 1/0, yes/no)'],
      [7, 'zone 110 is already defined on line 2'],
    ]);
  });

  it('checks zone ranges with the validation module', () => {
    const plan = parseCatalogueTables({
      ...base,
      zones: base.zones + '1000,1,1,true,false,\n113,-1,1,true,false,\n',
    });
    expect(plan.rejected.filter((r) => r.table === 'zones')).toEqual([
      {
        table: 'zones',
        line: 5,
        reason: 'number must be an integer in 0–999, got 1000 (column Zone)',
        rule: 'out-of-range',
      },
      {
        table: 'zones',
        line: 6,
        reason: 'numConnZones must be an integer in 0–1000, got -1 (column num conn zones)',
        rule: 'out-of-range',
      },
    ]);
  });

  it('takes s_bahn_zone from the optional column, else from the reference list', () => {
    const plan = parseCatalogueTables({
      ...base,
      zones: base.zones
        .replace('sectors\n', 'sectors,S_Bahn_Zone\n')
        .replace(',AB\n', ',AB,no\n')
        .replace(',A\n', ',A,yes\n'),
    });
    expect(plan.zones.map((z) => [z.number, z.sBahnZone])).toEqual([
      [110, false],
      [111, true],
      [112, true],
    ]);
    expect(parseCatalogueTables(base).zones.map((z) => z.sBahnZone)).toEqual([true, false, true]);
  });

  it('refuses negative or fractional minutes, unknown zones and repeated pairs', () => {
    const distances = base.distances + '110,999,5\n110,111,-3\n111,110,2.5\n110,112,7\n';
    const plan = parseCatalogueTables({ ...base, distances });
    expect(plan.rejected.map((r) => [r.table, r.line, r.reason])).toEqual([
      ['distances', 11, 'zone 999 is not in the zone table'],
      ['distances', 12, 'Travel Time -3 is out of range 0–1440; pair 110 → 111 is already given on line 3'],
      ['distances', 13, 'Travel Time 2.5 is not a whole number; pair 111 → 110 is already given on line 5'],
      ['distances', 14, 'pair 110 → 112 is already given on line 4'],
    ]);
  });

  it('[CATALOGUE-10] makes neighbourhood symmetric and refuses self-neighbours, repeats and unknown letters', () => {
    const sectors = 'sector,neighbours\nA,\nB,a;c\nC,\nb,A\nD,D\nE,X\nF,E\nAB,\n';
    const plan = parseCatalogueTables({ ...base, sectors });
    expect(plan.sectors).toEqual([
      { name: 'A', neighbours: ['B'] },
      { name: 'B', neighbours: ['A', 'C'] },
      { name: 'C', neighbours: ['B'] },
    ]);
    expect(plan.rejected.filter((r) => r.table === 'sectors').map((r) => [r.line, r.reason])).toEqual([
      [5, 'sector B is already defined on line 3'],
      [6, 'sector D lists itself'],
      [7, 'neighbour(s) X not defined in the sector table'],
      // F is refused only because E is: the check repeats until nothing dangles.
      [8, 'neighbour(s) E not defined in the sector table'],
      [9, 'sector must be one letter'],
    ]);
  });

  it('follows a refused sector through the zones, distances and challenges that depend on it', () => {
    const plan = parseCatalogueTables({ ...base, sectors: 'sector,neighbours\nA,\nB,B\n' });
    expect(plan.rejected.map((r) => [r.table, r.line, r.reason])).toEqual([
      ['challenges', 5, 'zone 110 is not in the zone table; sector B is not in the sector table'],
      ['zones', 2, 'unknown sector(s) B in sectors'],
      ...[2, 3, 4, 5, 8].map((line) => ['distances', line, 'zone 110 is not in the zone table']),
      ['sectors', 3, 'sector B lists itself'],
    ]);
  });
});
