import { describe, expect, it } from 'vitest';
import { normaliseHeader, readCsvTable } from '../../src/catalogue-io/csv-table.js';

const COLUMNS = { required: ['Zone A', 'Travel Time'], optional: ['note'] };

function read(text: string) {
  const table = readCsvTable(text, 'distances', COLUMNS);
  return {
    rows: table.rows.map((row) => ({
      line: row.line,
      a: row.cell('Zone A'),
      t: row.cell('Travel Time'),
      note: row.cell('note'),
    })),
    skipped: table.skipped,
    rejected: table.rejected,
  };
}

describe('CSV table reader', () => {
  it('numbers records by the source line they start on, across quoted line breaks', () => {
    const text = 'Zone A,Travel Time,note\n110,1,"two\nline note"\n111,2,x\n112,3,"three\n\nlines"\n113,4,\n';
    expect(read(text).rows.map((r) => r.line)).toEqual([2, 4, 5, 8]);
    expect(read(text).rows[2]?.note).toBe('three\n\nlines');
  });

  it('reads BOM + CRLF exactly like plain LF, line breaks inside cells included', () => {
    const lf = 'Zone A,Travel Time,note\n110,1,"a\nb"\n\n111,2,c\n';
    const crlf = '\uFEFF' + lf.replaceAll('\n', '\r\n');
    expect(read(crlf)).toEqual(read(lf));
    expect(read(lf).rows.map((r) => r.line)).toEqual([2, 5]);
  });

  it('matches header names leniently (case, surrounding spaces, space vs underscore) and in any order', () => {
    const table = read(' travel_time ,ZONE A\n7,110\n');
    expect(table.rows).toEqual([{ line: 2, a: '110', t: '7', note: '' }]);
    expect(normaliseHeader('  Num_Conn  Zones ')).toBe('num conn zones');
  });

  it('refuses the whole table when a required column is missing or doubled', () => {
    expect(read('Zone A,note\n110,x\n')).toEqual({
      rows: [],
      skipped: 0,
      rejected: [{ table: 'distances', line: 1, reason: 'missing column(s): Travel Time' }],
    });
    expect(read('Zone A,Travel Time,zone a\n1,2,3\n').rejected[0]?.reason).toContain('appears twice');
  });

  it('skips blank rows (counted, not reported) and refuses rows with extra filled cells', () => {
    const table = read('Zone A,Travel Time\n110,1\n,\n   ,  \n111,2,surplus\n112,3,\n113\n');
    expect(table.skipped).toBe(2);
    expect(table.rejected).toEqual([
      { table: 'distances', line: 5, reason: 'the row has 3 cells but the header has 2 columns' },
    ]);
    expect(table.rows.map((r) => [r.line, r.a, r.t])).toEqual([
      [2, '110', '1'],
      [6, '112', '3'],
      [7, '113', ''],
    ]);
  });

  it('reports a CSV syntax error with its line and imports nothing from that table', () => {
    const table = read('Zone A,Travel Time\n110,1\n111,"2\n112,3\n');
    expect(table.rows).toEqual([]);
    expect(table.rejected).toHaveLength(1);
    expect(table.rejected[0]?.reason).toMatch(/^CSV syntax error: Quote Not Closed/);
    expect(table.rejected[0]?.line).toBe(3);
  });

  it('treats an empty text as a refused table', () => {
    expect(read('').rejected).toEqual([
      { table: 'distances', line: 1, reason: 'the table is empty (no header line)' },
    ]);
  });
});
