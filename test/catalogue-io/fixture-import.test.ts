import { describe, expect, it } from 'vitest';
import { parseCatalogueTables } from '../../src/catalogue-io/index.js';
import type { PlannedChallenge } from '../../src/catalogue-io/index.js';
import { isPlayableStatus } from '../../src/engine/catalogue/types.js';
import { readFixtureTables } from './fixture.js';

const plan = parseCatalogueTables(readFixtureTables());

function atLine(line: number): PlannedChallenge['challenge'] {
  const row = plan.challenges.find((c) => c.line === line);
  if (row === undefined) throw new Error(`no challenge planned from line ${line}`);
  return row.challenge;
}

describe('zvv-demo fixture import (README expectations)', () => {
  it('[IMPORT-3] keeps 144 challenges (111 playable), reports 10 rows and skips none', () => {
    expect(plan.counts).toEqual({
      challenges: { imported: 144, skipped: 0, rejected: 10 },
      zones: { imported: 42, skipped: 0, rejected: 0 },
      distances: { imported: 1764, skipped: 0, rejected: 0 },
      sectors: { imported: 8, skipped: 0, rejected: 0 },
    });
    expect(plan.challenges.filter((c) => isPlayableStatus(c.challenge.status))).toHaveLength(111);
    expect(plan.sets).toEqual([
      'og',
      'geso',
      'family',
      'transit_specialist',
      'off_with_the_hinges',
      'physical',
      'base',
    ]);
  });

  it('reports exactly the ten invalid rows, each at its line with its reason', () => {
    expect(plan.rejected.map(({ table, line, reason, rule }) => ({ table, line, reason, rule }))).toEqual([
      {
        table: 'challenges',
        line: 11,
        reason: 'Kaff needs a place (column place)',
        rule: 'kaff-needs-place',
      },
      {
        table: 'challenges',
        line: 18,
        reason: 'empty boolean cell in no_disembark (write true or false)',
        rule: undefined,
      },
      { table: 'challenges', line: 25, reason: 'zone 119 is not in the zone table', rule: 'unknown-zone' },
      { table: 'challenges', line: 33, reason: 'kaffskala "vier" is not a number', rule: undefined },
      {
        table: 'challenges',
        line: 52,
        reason: 'Ortsspezifisch without a random place needs a grade (column grade)',
        rule: 'located-needs-grade',
      },
      {
        table: 'challenges',
        line: 75,
        reason: 'Regionsspezifisch needs a description (column description)',
        rule: 'needs-description',
      },
      {
        table: 'challenges',
        line: 84,
        reason: 'a challenge must belong to at least one set (column sets)',
        rule: 'needs-set',
      },
      {
        table: 'challenges',
        line: 93,
        reason: 'only Kaff and ZKaff challenges may have a place (column place)',
        rule: 'place-only-kaff-zkaff',
      },
      {
        table: 'challenges',
        line: 119,
        reason: 'only Ortsspezifisch may have a random place (column title/description)',
        rule: 'random-place-only-ortsspezifisch',
      },
      {
        table: 'challenges',
        line: 136,
        reason: 'ZKaff needs a non-zero station distance (column station_distance)',
        rule: 'zkaff-needs-station-distance',
      },
    ]);
  });

  it('imports the ToSort row of line 69 (no kaffskala/grade) without reporting it', () => {
    expect(plan.rejected.some((r) => r.line === 69)).toBe(false);
    expect(atLine(69)).toMatchObject({
      status: 'ToSort',
      kind: 'Ortsspezifisch',
      kaffskala: null,
      grade: null,
      zones: [152],
    });
  });

  it('counts valid rows per kind and status as the README table does', () => {
    const count = (kind: string, status?: string): number =>
      plan.challenges.filter(
        (c) => c.challenge.kind === kind && (status === undefined || c.challenge.status === status),
      ).length;
    expect([
      count('Kaff'),
      count('Ortsspezifisch'),
      count('Regionsspezifisch'),
      count('Unspezifisch'),
      count('Zoneable'),
      count('ZKaff'),
    ]).toEqual([38, 27, 9, 30, 16, 24]);
    expect(
      ['Approved', 'Refactor', 'Glorious', 'Edited', 'ToSort', 'Rejected'].map(
        (s) => plan.challenges.filter((c) => c.challenge.status === s).length,
      ),
    ).toEqual([108, 3, 12, 10, 5, 6]);
  });

  it('reads the edge-case rows as the README describes', () => {
    expect(atLine(8)).toMatchObject({ biasSat: 1.1, biasSun: 1.4 });
    expect(atLine(15)).toMatchObject({
      title: 'Kyburg: Burgbesuch',
      place: 'Kyburg',
      translatedTitles: { en_uk: 'Kyburg: castle visit' },
    });
    expect(atLine(16)).toMatchObject({ kind: 'Kaff', kaffskala: 1, grade: 1 });
    expect(atLine(31).zones).toEqual([173, 135]);
    expect(atLine(49).sectors).toEqual(['W', 'C']);
    expect(atLine(57).zones).toEqual([115, 113]);
    expect(atLine(63)).toMatchObject({ randomPlace: 'Zone', zones: [], kaffskala: null });
    expect(atLine(64)).toMatchObject({ randomPlace: 'SBahnZone', zones: [], kaffskala: 3, grade: 3 });
    expect(atLine(65)).toMatchObject({ randomPlace: 'Zone', zones: [] });
    expect(atLine(66).randomPlace).toBe('SBahnZone');
    expect(atLine(67).randomPlace).toBe('Zone');
    expect(atLine(73).translatedDescriptions).toEqual({
      de_ch: 'Fahred in Kanton Zug und ässed es Stuck Chriesitorte.',
      fr_ch: 'Allez dans le canton de Zoug et mangez une part de gâteau aux cerises.',
      en_uk: 'Travel to canton Zug and eat a slice of cherry cake.',
    });
    expect(atLine(89)).toMatchObject({
      additionalPoints: -200,
      walkingTime: 10,
      description: 'Sagt laut "Grüezi" zu einer Kuh.',
    });
    expect(atLine(94)).toMatchObject({ deadEnd: false, fixed: false });
    expect(atLine(95).noDisembark).toBe(true);
    expect(atLine(98).sets).toEqual(['base', 'family']);
    expect(atLine(101).repetitions).toEqual({ min: 0, max: 3 });
    expect(atLine(103).noDisembark).toBe(true);
    expect(atLine(104).status).toBe('Approved');
    expect(atLine(111).status).toBe('ToSort');
    expect(atLine(142).kind).toBe('ZKaff');
    expect(atLine(145)).toMatchObject({ deadEnd: true, fixed: false });
    expect(atLine(146).zones).toEqual([]);
    expect(atLine(149)).toMatchObject({ departures: 0, zones: [], sectors: ['W'] });
  });

  it('builds zones, sectors and the matrix from their tables', () => {
    expect(plan.zones.find((z) => z.number === 110)).toEqual({
      number: 110,
      numConnZones: 11,
      numConnections: 640,
      trainThrough: true,
      mongus: false,
      sBahnZone: true,
      closeSectors: ['C', 'E', 'H', 'L', 'N', 'O', 'R', 'W'],
    });
    expect(plan.zones.filter((z) => z.sBahnZone)).toHaveLength(16);
    expect(plan.sectors.find((s) => s.name === 'E')).toEqual({ name: 'E', neighbours: ['N', 'O'] });
    expect(plan.travelMinutes).toContainEqual({ from: 110, to: 110, minutes: 0 });
    expect(plan.travelMinutes).toContainEqual({ from: 110, to: 111, minutes: 12 });
  });

  it('gives every challenge a unique natural key (kind + place for Kaff/ZKaff, kind + title otherwise)', () => {
    expect(new Set(plan.challenges.map((c) => c.key)).size).toBe(144);
    expect(plan.challenges.find((c) => c.line === 15)?.key).toBe('Kaff:kyburg');
    expect(plan.challenges.find((c) => c.line === 82)?.key).toBe('Unspezifisch:liegestütze');
  });
});
