import { describe, expect, it } from 'vitest';
import { parseCatalogueTables } from '../../src/catalogue-io/index.js';
import type { CatalogueTables } from '../../src/catalogue-io/index.js';
import { ROWS, smallTables } from './small-sheet.js';

const base = smallTables([
  ROWS.kaff,
  { ...ROWS.ortsspezifisch, description: 'Steigt auf den Turm\nund winkt.' },
  ROWS.unspezifisch,
  ROWS.zkaff,
  { ...ROWS.unspezifisch, title: 'Kaputt', grade: '9' },
]);

const mapTables = (tables: CatalogueTables, f: (text: string) => string): CatalogueTables => ({
  challenges: f(tables.challenges),
  zones: f(tables.zones),
  distances: f(tables.distances),
  sectors: f(tables.sectors),
});

/** A Google-Sheets-style export: BOM and CRLF. */
const crlfBom = (text: string): string => '\uFEFF' + text.replaceAll('\n', '\r\n');

/** A European-locale export: decimal commas, which then need quoting in a comma-separated file. */
const commaDecimals = (text: string): string => text.replace(/(?<=,)(\d+)\.(\d+)(?=,|\n)/g, '"$1,$2"');

describe('[IMPORT-2] format variants parse identically', () => {
  const expected = parseCatalogueTables(base);

  it('has a valid baseline with one multi-line cell and one bad row', () => {
    expect(expected.counts.challenges).toEqual({ imported: 4, skipped: 0, rejected: 1 });
    expect(expected.rejected).toEqual([
      {
        table: 'challenges',
        line: 7,
        reason: 'grade must be an integer in 1–6, got 9 (column grade)',
        rule: 'out-of-range',
      },
    ]);
  });

  it('BOM + CRLF', () => {
    expect(parseCatalogueTables(mapTables(base, crlfBom))).toEqual(expected);
  });

  it('decimal commas', () => {
    const variant = mapTables(base, commaDecimals);
    expect(variant.challenges).toContain('"1,3"');
    expect(parseCatalogueTables(variant)).toEqual(expected);
  });

  it('all at once, with upper-case booleans, CamelCase kinds and spaced lists', () => {
    const loud = (text: string): string =>
      text
        .replaceAll(',false,', ',FALSE,')
        .replaceAll(',kaff,', ',Kaff,')
        .replaceAll(',z_kaff,', ',ZKaff,')
        .replaceAll('"base,family"', '"base , family"')
        .replaceAll('Approved,', 'APPROVED,');
    expect(parseCatalogueTables(mapTables(base, (t) => crlfBom(commaDecimals(loud(t)))))).toEqual(expected);
  });
});
