import { stringify } from 'csv-stringify/sync';
import type { CatalogueTables } from '../../src/catalogue-io/index.js';
import { CHALLENGE_COLUMNS } from '../../src/catalogue-io/columns.js';
import type { Rng } from '../../src/engine/rng.js';
import { seededRng } from '../../src/engine/rng.js';

/** Zones of the synthetic catalogue: 110 (the centre) and 111–119. */
export const SYNTHETIC_ZONES: readonly number[] = [110, 111, 112, 113, 114, 115, 116, 117, 118, 119];
/** Sectors of the synthetic catalogue, in a ring: each neighbours the next and the previous. */
export const SYNTHETIC_SECTORS: readonly string[] = ['A', 'B', 'C', 'D'];

const SETS = ['base', 'family', 'physical', 'og', 'geso'];
const KINDS = ['kaff', 'ortsspezifisch', 'regionsspezifisch', 'unspezifisch', 'zoneable', 'z_kaff'] as const;
const STATUSES = ['Approved', 'Approved', 'Approved', 'Refactor', 'Edited', 'Glorious', 'ToSort', 'Rejected'];

/**
 * A deterministic synthetic catalogue: `challengeRows` valid challenge rows (every kind and status,
 * unique names, 21 two-line descriptions per 1,000 rows) over 10 zones and 4 sectors. Every row imports; equal
 * seeds give equal text. Meant for load and concurrency tests (one record per row, but not one line per
 * row: use the plan's line numbers).
 */
export function syntheticTables(challengeRows = 1000, seed = 1): CatalogueTables {
  const rng = seededRng(seed);
  return {
    challenges: syntheticChallengesSheet(challengeRows, rng),
    zones: csv([
      ['Zone', 'num conn zones', 'num connections', 'train through', 'Mongus', 'sectors'],
      ...SYNTHETIC_ZONES.map((zone, i) => [
        zone,
        1 + (i % 6),
        10 * (i + 1),
        i % 3 !== 0,
        i === 9,
        i === 0 ? 'ABCD' : '',
      ]),
    ]),
    distances: csv([
      ['Zone A', 'Zone B', 'Travel Time'],
      ...SYNTHETIC_ZONES.flatMap((a) =>
        SYNTHETIC_ZONES.map((b) => [a, b, a === b ? 0 : 5 + Math.abs(a - b) * 4]),
      ),
    ]),
    sectors: csv([
      ['sector', 'neighbours'],
      ...SYNTHETIC_SECTORS.map((s, i, all) => [
        s,
        `${all[(i + 1) % all.length]}${all[(i + 3) % all.length]}`,
      ]),
    ]),
  };
}

/** Only the challenge sheet of {@link syntheticTables}. */
export function syntheticChallengesSheet(rows = 1000, rng: Rng = seededRng(1)): string {
  const body = Array.from({ length: rows }, (_, i) => syntheticRow(i, rng));
  return csv([[...CHALLENGE_COLUMNS], ...body.map((cells) => CHALLENGE_COLUMNS.map((c) => cells[c] ?? ''))]);
}

function syntheticRow(
  i: number,
  rng: Rng,
): Partial<Record<(typeof CHALLENGE_COLUMNS)[number], string | number>> {
  const kind = KINDS[i % KINDS.length] ?? 'unspezifisch';
  const name = `Synthetic ${String(i).padStart(5, '0')}`;
  const common = {
    status: rng.pick(STATUSES) ?? 'Approved',
    challenge_type: kind,
    sets: rng.shuffle(SETS).slice(0, rng.int(1, 2)).join(','),
    dead_end: 'false',
    no_disembark: rng.int(0, 9) === 0 ? 'TRUE' : 'false',
    fixed_points: 'false',
    in_perim: '',
    bias_sat: rng.int(0, 4) === 0 ? '1.2' : '',
  };
  // Every 48th row from row 2 (always a regionsspezifisch row, which has a description) spans two lines.
  const description = i % 48 === 2 ? `Line one of ${name}\nline two` : `Do ${name} %r times`;
  switch (kind) {
    case 'kaff':
      return {
        ...common,
        place: `Ort ${name}`,
        zone: rng.pick(SYNTHETIC_ZONES) ?? 111,
        kaffskala: rng.int(1, 6),
        grade: rng.int(1, 6),
      };
    case 'z_kaff':
      return {
        ...common,
        place: `Halt ${name}`,
        zone: 110,
        sector: rng.pick(SYNTHETIC_SECTORS) ?? 'A',
        station_distance: rng.int(100, 2000),
        time_to_hb: rng.int(5, 30),
        departures: rng.int(0, 30),
      };
    case 'ortsspezifisch':
      return {
        ...common,
        title: name,
        description,
        zone: rng.pick(SYNTHETIC_ZONES) ?? 112,
        kaffskala: rng.int(1, 6),
        grade: rng.int(1, 6),
        walking_time: rng.int(0, 30),
      };
    case 'regionsspezifisch':
    case 'unspezifisch':
    case 'zoneable':
      return {
        ...common,
        title: name,
        description,
        additional_points: rng.int(-50, 500),
        min_reps: 1,
        max_reps: rng.int(1, 5),
        points_per_rep: rng.int(0, 50),
      };
  }
}

function csv(rows: unknown[][]): string {
  return stringify(rows, { cast: { boolean: (value) => String(value) } });
}
