import { CHALLENGE_DEFAULTS } from '../../src/engine/catalogue/defaults.js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogueTables } from '../../src/catalogue-io/index.js';
import type { TruinlagClient } from '../../src/client/node.js';
import type { ChallengeInput } from '../../src/protocol/catalogue.js';
import { isPlayableStatus } from '../../src/engine/catalogue/types.js';
import { stateHash } from '../../src/store/state-json.js';
import {
  closeClients,
  found,
  journalLength,
  openClient,
  readStoreRows,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  tempDir,
  type TestServer,
} from '../helpers/index.js';
import { FIXTURE_INVALID_ROWS } from '../catalogue-io/fixture.js';
import { cli, cliJson, FIXTURE_DIR, writeTables, type ImportJson } from './support.js';

const FIXTURE_REJECTED = FIXTURE_INVALID_ROWS.map((r) => ({ table: 'challenges', by: 'sheet', ...r }));

const catalogueKinds = ['challenge', 'challengeSet', 'zone', 'sector'];

/** Each CLI run is a fresh Node process and an import is a few thousand requests: allow for a busy machine. */
const SLOW = 180_000;

/** The catalogue's entity rows as stored on disk. */
function catalogueRows(dataDir: string): { kind: string; id: number; doc: string }[] {
  return readStoreRows(dataDir).entities.filter((e) => catalogueKinds.includes(e.kind));
}

/** Reads the four CSV files of a directory. */
function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

afterAll(() => removeTempDirs());

describe('truinlag import of the zvv-demo fixture', () => {
  let server: TestServer;
  let client: TruinlagClient;
  let first: ImportJson;

  beforeAll(async () => {
    server = await startTestServer();
    client = await openClient({ socket: server.socketPath });
    first = await cliJson<ImportJson>(server.socketPath, ['import', FIXTURE_DIR]);
  }, SLOW);
  afterAll(async () => {
    closeClients();
    await stopTestServers();
  });

  it("[IMPORT-3] reports exactly the README's ten rejected rows, with line and reason, and not line 69", () => {
    expect(first.rejected).toEqual(FIXTURE_REJECTED);
    expect(first.rejected.some((r) => r.line === 69)).toBe(false);
    expect(first.missing).toEqual([]);
  });

  it(
    'creates what the README counts: 144 challenges (111 playable), 42 zones, 1,764 travel minutes, 8 sectors, 7 sets',
    async () => {
      const none = { updated: 0, unchanged: 0, skipped: 0 };
      expect(first.summary).toEqual({
        sets: { created: 7, rejected: 0, ...none },
        sectors: { created: 8, rejected: 0, ...none },
        zones: { created: 42, rejected: 0, ...none },
        distances: { created: 1764, rejected: 0, ...none },
        challenges: { created: 144, rejected: 10, ...none },
      });
      expect(first.changed).toBe(true);

      const challenges = await client.request({ type: 'challenge.list' });
      expect(challenges).toHaveLength(144);
      expect(challenges.filter((c) => isPlayableStatus(c.status))).toHaveLength(111);
      const kinds = ['Kaff', 'Ortsspezifisch', 'Regionsspezifisch', 'Unspezifisch', 'Zoneable', 'ZKaff'];
      expect(kinds.map((k) => challenges.filter((c) => c.kind === k).length)).toEqual([
        38, 27, 9, 30, 16, 24,
      ]);
      // The ToSort row of line 69 is stored as it is.
      expect(challenges.find((c) => c.title === 'Seeuferweg Horgen')).toMatchObject({
        status: 'ToSort',
        kaffskala: null,
        grade: null,
      });

      const zones = await client.request({ type: 'zone.list' });
      expect(zones).toHaveLength(42);
      expect(zones.reduce((n, z) => n + Object.keys(z.minutesTo).length, 0)).toBe(1764);
      const sectors = await client.request({ type: 'sector.list' });
      const letter = new Map(sectors.map((s) => [s.id, s.name]));
      const neighbours = Object.fromEntries(
        sectors.map((s) => [
          s.name,
          s.neighbours
            .map((n) => letter.get(n))
            .sort()
            .join(''),
        ]),
      );
      // The README's sector table, made symmetric.
      expect(neighbours).toEqual({
        C: 'HLNORW',
        N: 'CEHO',
        E: 'NO',
        O: 'CENR',
        R: 'CO',
        L: 'CW',
        W: 'CHL',
        H: 'CNW',
      });
      expect(first.links).toEqual({ added: 13, removed: 0 });
      const sets = await client.request({ type: 'set.list' });
      expect(sets.map((s) => s.name).sort()).toEqual(
        ['base', 'family', 'geso', 'og', 'off_with_the_hinges', 'physical', 'transit_specialist'].sort(),
      );
    },
    SLOW,
  );

  it(
    '[IMPORT-4] a second import changes nothing: everything unchanged, same state hash, same stored rows, no journal entry',
    async () => {
      const hash = stateHash(server.server.runtime.current);
      const rows = readStoreRows(server.dataDir);
      const journal = journalLength(server.dataDir);

      const again = await cli(server.socketPath, ['import', FIXTURE_DIR]);
      expect(again.code, again.stderr).toBe(0);
      // The human report: every rejected row with file and line, then the counts.
      for (const r of FIXTURE_REJECTED)
        expect(again.stdout).toContain(`challenges.csv line ${r.line}: ${r.reason}`);
      expect(again.stdout).toMatch(/^challenges\s+0\s+0\s+144\s+10\s+0$/m);
      expect(again.stdout).toMatch(/^distances\s+0\s+0\s+1764\s+0\s+0$/m);
      expect(again.stdout).toContain('the catalogue already matches the sheet; 10 row(s) rejected.');

      expect(stateHash(server.server.runtime.current)).toBe(hash);
      expect(readStoreRows(server.dataDir)).toEqual(rows);
      expect(journalLength(server.dataDir)).toBe(journal);
    },
    SLOW,
  );

  it(
    '--strict exits with 2 when rows were rejected (the others are imported)',
    async () => {
      const strict = await cli(server.socketPath, ['--json', 'import', '--strict', FIXTURE_DIR]);
      expect(strict.code).toBe(2);
      expect((JSON.parse(strict.stdout) as ImportJson).rejected).toHaveLength(10);
    },
    SLOW,
  );
  it(
    '[IMPORT-5] export → import into a fresh server → export gives identical files (fixed point)',
    async () => {
      const source = server;
      const out = tempDir();
      const exported = await cli(source.socketPath, ['export', join(out, 'one')]);
      expect(exported.code, exported.stderr).toBe(0);
      const one = readDir(join(out, 'one'));
      expect(Object.keys(one).sort()).toEqual([
        'challenges.csv',
        'distances.csv',
        'sectors.csv',
        'zones.csv',
      ]);
      // The export is a sheet the import reads without a single rejection.
      const plan = parseCatalogueTables({
        challenges: found(one['challenges.csv'], 'challenges.csv'),
        zones: found(one['zones.csv'], 'zones.csv'),
        distances: found(one['distances.csv'], 'distances.csv'),
        sectors: found(one['sectors.csv'], 'sectors.csv'),
      });
      expect(plan.rejected).toEqual([]);
      expect(plan.counts.challenges.imported).toBe(144);

      const fresh = await startTestServer();
      const report = await cliJson<ImportJson>(fresh.socketPath, ['import', join(out, 'one')]);
      expect(report.rejected).toEqual([]);
      expect(report.summary.challenges.created).toBe(144);
      expect((await cli(fresh.socketPath, ['export', join(out, 'two')])).code).toBe(0);
      expect(readDir(join(out, 'two'))).toEqual(one);

      // The two servers hold the same catalogue, record for record (edit times aside).
      const a = await openClient({ socket: source.socketPath });
      const b = await openClient({ socket: fresh.socketPath });
      const strip = (cs: { lastEdit: number }[]): unknown[] => cs.map(({ lastEdit: _t, ...c }) => c);
      expect(strip(await b.request({ type: 'challenge.list' }))).toEqual(
        strip(await a.request({ type: 'challenge.list' })),
      );
      expect(await b.request({ type: 'zone.list' })).toEqual(await a.request({ type: 'zone.list' }));
    },
    SLOW,
  );

  it(
    'a target ending in .json is still the offline whole-state export; --data with a directory is refused',
    async () => {
      const file = join(tempDir(), 'state.json');
      const state = await cli(server.socketPath, ['--json', 'export', file, '--data', server.dataDir]);
      expect(state.code, state.stderr).toBe(0);
      const document = JSON.parse(readFileSync(file, 'utf8')) as {
        format: string;
        tables: Record<string, unknown[]>;
      };
      expect(document.format).toBe('truinlag-state');
      expect(document.tables.challenge).toHaveLength(144);

      const dir = join(tempDir(), 'cat');
      const refused = await cli(server.socketPath, ['export', dir, '--data', server.dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('--data belongs to a .json target');
      expect(existsSync(dir)).toBe(false);
    },
    SLOW,
  );

  // Changes the catalogue: keep it last in this block.
  it(
    'an edited row updates its challenge in place and a link the sheet dropped is removed',
    async () => {
      const dir = join(tempDir(), 'sheet');
      expect((await cli(server.socketPath, ['export', dir])).code).toBe(0);
      const before = await client.request({ type: 'challenge.list' });
      const target = before.find((c) => c.title === 'Kiosk-Speedrun');
      if (target === undefined) throw new Error('fixture challenge missing');

      // Rename it (the id column keeps it the same challenge) and give it other points.
      const sheet = readFileSync(join(dir, 'challenges.csv'), 'utf8').replace(
        'Kiosk-Speedrun',
        'Kiosk-Sprint',
      );
      const lines = sheet.split('\n');
      const header = found(lines[0], 'header line').split(',');
      const row = lines.findIndex((l) => l.includes('Kiosk-Sprint'));
      const cells = found(lines[row], 'the Kiosk-Sprint row').split(',');
      cells[header.indexOf('additional_points')] = '175';
      lines[row] = cells.join(',');
      writeFileSync(join(dir, 'challenges.csv'), lines.join('\n'));
      // C and H are no longer neighbours.
      writeFileSync(
        join(dir, 'sectors.csv'),
        readFileSync(join(dir, 'sectors.csv'), 'utf8')
          .replace(/^C,(\w*)H(\w*)$/m, 'C,$1$2')
          .replace(/^H,(\w*)C(\w*)$/m, 'H,$1$2'),
      );

      const report = await cliJson<ImportJson>(server.socketPath, ['import', dir]);
      expect(report.rejected).toEqual([]);
      expect(report.summary.challenges).toMatchObject({ created: 0, updated: 1, unchanged: 143 });
      expect(report.summary.sectors).toMatchObject({ created: 0, updated: 2, unchanged: 6 });
      expect(report.links).toEqual({ added: 0, removed: 1 });

      const after = await client.request({ type: 'challenge.get', id: target.id });
      expect(after).toMatchObject({ title: 'Kiosk-Sprint', additionalPoints: 175 });
      expect(await client.request({ type: 'challenge.list' })).toHaveLength(144);
      const sectors = await client.request({ type: 'sector.list' });
      const id = (name: string): number =>
        found(
          sectors.find((s) => s.name === name),
          `sector ${name}`,
        ).id;
      expect(sectors.find((s) => s.name === 'C')?.neighbours).not.toContain(id('H'));
      expect(sectors.find((s) => s.name === 'H')?.neighbours).not.toContain(id('C'));
      expect(sectors.find((s) => s.name === 'C')?.neighbours).toContain(id('W'));

      // And that state is again a fixed point.
      const unchanged = await cliJson<ImportJson>(server.socketPath, ['import', dir]);
      expect(unchanged.changed).toBe(false);
    },
    SLOW,
  );
});

describe('[IMPORT-4] truinlag import --dry-run', () => {
  afterEach(async () => {
    closeClients();
    await stopTestServers();
  });

  it(
    'reports what an import would do and every rejected row, and writes nothing',
    async () => {
      const server = await startTestServer();
      const journal = journalLength(server.dataDir);
      const report = await cliJson<ImportJson>(server.socketPath, ['import', '--dry-run', FIXTURE_DIR]);
      expect(report.dryRun).toBe(true);
      expect(report.rejected).toEqual(FIXTURE_REJECTED);
      expect(report.summary.challenges).toMatchObject({ created: 144, rejected: 10 });
      expect(report.summary.distances.created).toBe(1764);
      expect(report.links).toEqual({ added: 13, removed: 0 });
      expect(report.changed).toBe(true);
      expect(catalogueRows(server.dataDir)).toEqual([]);
      expect(journalLength(server.dataDir)).toBe(journal);
      const client = await openClient({ socket: server.socketPath });
      expect(await client.request({ type: 'challenge.list' })).toEqual([]);
      expect(await client.request({ type: 'set.list' })).toEqual([]);
    },
    SLOW,
  );
});

describe('[IMPORT-4] truinlag import upserts', () => {
  afterEach(async () => {
    closeClients();
    await stopTestServers();
  });

  it(
    'a row naming several stored challenges, and a row the engine refuses, are reported at their lines; the rest is imported',
    async () => {
      const server = await startTestServer();
      const client = await openClient({ socket: server.socketPath });
      const base = await client.request({ type: 'set.add', name: 'base' });
      const twin: ChallengeInput = {
        ...CHALLENGE_DEFAULTS,
        kind: 'Unspezifisch',
        sets: [base.id],
        status: 'Approved',
        title: 'Zwilling',
        description: 'Twice in the catalogue.',
        additionalPoints: 100,
      };
      const one = await client.request({ type: 'challenge.add', challenge: twin });
      const two = await client.request({ type: 'challenge.add', challenge: twin });

      const header =
        'status,challenge_type,sets,title,description,place,zone,sector,kaffskala,grade,bias_sat,bias_sun,' +
        'walking_time,stationary_time,additional_points,min_reps,max_reps,points_per_rep,station_distance,' +
        'time_to_hb,departures,dead_end,no_disembark,fixed_points';
      const row = (title: string, place = '', kind = 'unspezifisch'): string =>
        `Approved,${kind},base,${title},Do it.,${place},${kind === 'kaff' ? '110' : ''},,${kind === 'kaff' ? '3,3' : ','},,,,,50,,,,,,,false,false,false`;
      const dir = writeTables({
        challenges: [
          header,
          row('Zwilling'),
          row('Erster'),
          row('', 'X'.repeat(250), 'kaff'), // a place longer than the protocol allows
          row('Zweiter'),
          '',
        ].join('\n'),
        zones: 'Zone,num conn zones,num connections,train through,Mongus,sectors\n110,9,400,true,false,\n',
      });

      const report = await cliJson<ImportJson>(server.socketPath, ['import', dir]);
      expect(report.missing).toEqual(['distances', 'sectors']);
      expect(report.rejected).toHaveLength(2);
      expect(report.rejected[0]).toMatchObject({
        table: 'challenges',
        line: 2,
        by: 'catalogue',
        reason: `matches challenges ${one.id}, ${two.id} by kind and name; add their ids in an id column`,
      });
      expect(report.rejected[1]).toMatchObject({ table: 'challenges', line: 4, by: 'engine' });
      expect(report.rejected[1]?.reason).toMatch(/^refused by the engine: .*place/);
      expect(report.summary.challenges).toMatchObject({ created: 2, rejected: 2 });
      const titles = (await client.request({ type: 'challenge.list' })).map((c) => c.title);
      expect(titles.sort()).toEqual(['Erster', 'Zweiter', 'Zwilling', 'Zwilling']);
    },
    SLOW,
  );

  it(
    'missing tables are empty tables; a directory with none of them is an error',
    async () => {
      const server = await startTestServer();
      const dir = writeTables({ sectors: 'sector,neighbours\nA,B\nB,\n' });
      const report = await cliJson<ImportJson>(server.socketPath, ['import', dir]);
      expect(report.missing).toEqual(['challenges', 'zones', 'distances']);
      expect(report.rejected).toEqual([]);
      expect(report.summary.sectors.created).toBe(2);
      expect(report.links).toEqual({ added: 1, removed: 0 });

      const empty = await cli(server.socketPath, ['import', tempDir()]);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/holds none of challenges\.csv, zones\.csv, distances\.csv, sectors\.csv/);
    },
    SLOW,
  );
});
