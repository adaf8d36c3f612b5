import type { CatalogueTables } from '../../src/catalogue-io/index.js';
import { CHALLENGE_COLUMNS } from '../../src/catalogue-io/columns.js';

/** A challenge row as cells by column name; unlisted columns are empty, booleans default to false. */
export type Cells = Partial<Record<(typeof CHALLENGE_COLUMNS)[number] | 'id', string>>;

const BOOLEAN_DEFAULTS: Cells = { dead_end: 'false', no_disembark: 'false', fixed_points: 'false' };

/** Quotes a cell the RFC 4180 way when it needs it. */
function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** A challenge sheet with the reference header (plus `id` when any row has one), LF line endings. */
export function challengeSheet(rows: readonly Cells[]): string {
  const columns: string[] = [...CHALLENGE_COLUMNS];
  if (rows.some((row) => row.id !== undefined)) columns.push('id');
  const lines = [
    columns,
    ...rows.map((row) => columns.map((c) => ({ ...BOOLEAN_DEFAULTS, ...row })[c as keyof Cells] ?? '')),
  ];
  return lines.map((cells) => cells.map(quote).join(',')).join('\n') + '\n';
}

/** Valid rows of each common shape, used as a base that tests alter. */
export const ROWS = {
  kaff: {
    status: 'Approved',
    challenge_type: 'kaff',
    sets: 'base',
    place: 'Bachs',
    zone: '111',
    kaffskala: '5',
    grade: '4',
    bias_sun: '1.3',
  },
  ortsspezifisch: {
    status: 'Approved',
    challenge_type: 'ortsspezifisch',
    sets: 'base,family',
    title: 'Turm',
    description: 'Steigt auf den Turm.',
    zone: '111, 112',
    kaffskala: '3',
    grade: '2',
    sector: 'A',
  },
  unspezifisch: {
    status: 'Approved',
    challenge_type: 'unspezifisch',
    sets: 'geso',
    title: 'Liegestütze',
    description: 'Macht %r Liegestütze.',
    min_reps: '2',
    max_reps: '4',
    points_per_rep: '10',
    bias_sat: '0.9',
  },
  zkaff: {
    status: 'Approved',
    challenge_type: 'z_kaff',
    sets: 'base',
    place: 'Zoo',
    zone: '110',
    sector: 'BA',
    station_distance: '1500',
    time_to_hb: '20',
    departures: '16',
  },
} satisfies Record<string, Cells>;

/** Three zones (110–112), two sectors (A, B), a full travel matrix, and the given challenge rows. */
export function smallTables(rows: readonly Cells[] = Object.values(ROWS)): CatalogueTables {
  return {
    challenges: challengeSheet(rows),
    zones:
      'Zone,num conn zones,num connections,train through,Mongus,sectors\n110,5,300,true,false,AB\n111,2,10,false,true,A\n112,3,20,true,false,\n',
    distances:
      'Zone A,Zone B,Travel Time\n' +
      [110, 111, 112]
        .flatMap((a) => [110, 111, 112].map((b) => `${a},${b},${a === b ? 0 : 10 + a + b - 220}`))
        .join('\n') +
      '\n',
    sectors: 'sector,neighbours\nA,B\nB,A\n',
  };
}
