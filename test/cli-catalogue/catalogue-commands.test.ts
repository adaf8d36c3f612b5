import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { Challenge, ChallengeSet, Sector, Zone } from '../../src/engine/catalogue/types.js';
import {
  closeClients,
  found,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  tempDir,
  type TestServer,
} from '../helpers/index.js';
import { cli, cliJson } from './support.js';

/**
 * The catalogue CLI against a real server, with the names a person types: set names, zone numbers,
 * sector letters. The tests run in order on one server and build on each other.
 */
const SLOW = 180_000;
let server: TestServer;
let client: TruinlagClient;
let files: string;
const run = (...args: string[]): ReturnType<typeof cli> => cli(server.socketPath, args);
const json = <T>(...args: string[]): Promise<T> => cliJson<T>(server.socketPath, args);
const file = (name: string, content: unknown): string => {
  const path = join(files, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

beforeAll(async () => {
  server = await startTestServer();
  client = await openClient({ socket: server.socketPath });
  files = tempDir();
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('truinlag challenge-set, sector and zone', () => {
  it(
    'creates sets, sectors and zones by name, letter and number',
    async () => {
      const base = await json<ChallengeSet>('challenge-set', 'add', 'base');
      expect(base).toEqual({ id: expect.any(Number) as number, name: 'base' });
      await json('challenge-set', 'add', 'family');
      await json('sector', 'add', 'W');
      await json('sector', 'add', 'C');
      const linked = await json<Sector[]>('sector', 'neighbours', 'w', 'C');
      expect(linked.map((s) => s.name)).toEqual(['W', 'C']);

      const centre = await json<Zone>(
        'zone',
        'add',
        '--number',
        '110',
        '--conn-zones',
        '9',
        '--connections',
        '400',
        '--train-through',
        '--s-bahn',
        '--close-sectors',
        'WC',
      );
      const sectors = await client.request({ type: 'sector.list' });
      const id = (letter: string): number =>
        found(
          sectors.find((s) => s.name === letter),
          `sector ${letter}`,
        ).id;
      expect(centre).toMatchObject({
        number: 110,
        numConnZones: 9,
        numConnections: 400,
        trainThrough: true,
        mongus: false,
        sBahnZone: true,
        closeSectors: [id('W'), id('C')],
      });
      expect(sectors.find((s) => s.name === 'W')?.neighbours).toEqual([id('C')]);
      await json('zone', 'add', '--number', '121', '--conn-zones', '5', '--connections', '36', '--mongus');

      await json('zone', 'set-minutes', '110', '121', '25', '--both');
      const closed = await json<Zone>('sector', 'close', '121', 'w');
      expect(closed.closeSectors).toEqual([id('W')]);
      const zones = await client.request({ type: 'zone.list' });
      const zone = (n: number): Zone | undefined => zones.find((z) => z.number === n);
      expect(zone(110)?.minutesTo).toEqual({ [String(zone(121)?.id)]: 25 });
      expect(zone(121)?.minutesTo).toEqual({ [String(zone(110)?.id)]: 25 });
      expect(zone(121)).toMatchObject({ mongus: true, trainThrough: false, sBahnZone: false });
    },
    SLOW,
  );

  it(
    'lists and shows them with names',
    async () => {
      const zones = await run('zone', 'list');
      expect(zones.code, zones.stderr).toBe(0);
      expect(zones.stdout).toMatch(/^110\s+\d+\s+9\s+400\s+true\s+false\s+true\s+WC\s+1$/m);
      const shown = await run('zone', 'show', '121');
      expect(shown.stdout).toMatch(/^minutesTo\s+110: 25$/m);
      expect(shown.stdout).toMatch(/^closeSectors\s+W$/m);
      const sectors = await run('sector', 'list');
      expect(sectors.stdout).toMatch(/^W\s+\d+\s+C\s+110,121$/m);
      expect(sectors.stdout).toMatch(/^C\s+\d+\s+W\s+110$/m);
    },
    SLOW,
  );

  it(
    '[CATALOGUE-8][CATALOGUE-9] names that do not exist, and deletions of what is in use, fail with a message and exit 1',
    async () => {
      const missing = await run('zone', 'show', '999');
      expect(missing).toMatchObject({ code: 1, stdout: '' });
      expect(missing.stderr).toBe('CLI_ERROR: No zone with number 999.\n');
      const sector = await run('sector', 'neighbours', 'W', 'Q');
      expect(sector.code).toBe(1);
      expect(sector.stderr).toContain('No sector Q (sectors: WC)');
      const inUse = await run('sector', 'delete', 'W');
      expect(inUse.code).toBe(1);
      expect(inUse.stderr).toMatch(/^INVALID: The sector \d+ is still used by zone/);
    },
    SLOW,
  );
});

describe('truinlag challenge', () => {
  let added: Challenge;

  it(
    'add --file resolves set names, zone numbers and sector letters and fills the defaults',
    async () => {
      added = await json<Challenge>(
        'challenge',
        'add',
        '--file',
        file('fähre.json', {
          kind: 'ortsspezifisch',
          status: 'approved',
          sets: 'base, family',
          title: 'Fähre',
          description: 'Take the ferry.',
          zones: [121],
          sectors: 'W',
          kaffskala: 3,
          grade: 2,
        }),
      );
      const sets = await client.request({ type: 'set.list' });
      const zones = await client.request({ type: 'zone.list' });
      const sectors = await client.request({ type: 'sector.list' });
      expect(added).toMatchObject({
        kind: 'Ortsspezifisch',
        status: 'Approved',
        sets: ['base', 'family'].map((n) => sets.find((s) => s.name === n)?.id),
        zones: [zones.find((z) => z.number === 121)?.id],
        sectors: [sectors.find((s) => s.name === 'W')?.id],
        biasSat: 1,
        repetitions: { min: 0, max: 0 },
        action: null,
      });
      expect(await client.request({ type: 'challenge.get', id: added.id })).toEqual(added);
    },
    SLOW,
  );

  it(
    'show --as-file prints the challenge with names, and edit --file changes only the fields it lists',
    async () => {
      const shown = await run('challenge', 'show', String(added.id), '--as-file');
      expect(shown.code, shown.stderr).toBe(0);
      const asFile = JSON.parse(shown.stdout) as Record<string, unknown>;
      expect(asFile).toMatchObject({
        sets: ['base', 'family'],
        zones: [121],
        sectors: ['W'],
        title: 'Fähre',
      });
      expect(asFile).not.toHaveProperty('id');

      const edited = await json<Challenge>(
        'challenge',
        'edit',
        String(added.id),
        '--file',
        file('edit.json', { additionalPoints: 50, zones: '110' }),
      );
      const zones = await client.request({ type: 'zone.list' });
      expect(edited).toEqual({
        ...added,
        additionalPoints: 50,
        zones: [zones.find((z) => z.number === 110)?.id],
        lastEdit: edited.lastEdit,
      });
      // The shown file, fed back unchanged, is a valid edit that changes nothing but the edit time.
      const same = await json<Challenge>(
        'challenge',
        'edit',
        String(added.id),
        '--file',
        file('same.json', { ...asFile, additionalPoints: 50, zones: [110] }),
      );
      expect({ ...same, lastEdit: 0 }).toEqual({ ...edited, lastEdit: 0 });
    },
    SLOW,
  );

  it(
    'a file breaking a rule is refused with the rule; list filters by status, kind and set name',
    async () => {
      const refused = await run(
        'challenge',
        'add',
        '--file',
        file('bad.json', { kind: 'Unspezifisch', status: 'Approved', title: 'No set', description: 'x' }),
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe('INVALID: sets: a challenge must belong to at least one set\n');

      const other = await json<Challenge>(
        'challenge',
        'add',
        '--file',
        file('other.json', {
          kind: 'Unspezifisch',
          status: 'Edited',
          sets: ['base'],
          title: 'Other',
          description: 'y',
        }),
      );
      const family = await json<Challenge[]>('challenge', 'list', '--set', 'family');
      expect(family.map((c) => c.id)).toEqual([added.id]);
      const base = await json<Challenge[]>('challenge', 'list', '--set', 'BASE', '--kind', 'unspezifisch');
      expect(base.map((c) => c.id)).toEqual([other.id]);
      const edited = await json<Challenge[]>('challenge', 'list', '--status', 'edited');
      expect(edited.map((c) => c.id)).toEqual([other.id]);

      const table = await run('challenge', 'list');
      expect(table.stdout).toMatch(
        new RegExp(`^${added.id}\\s+Approved\\s+Ortsspezifisch\\s+Fähre\\s+base,family\\s+110\\s+W$`, 'm'),
      );
      const sets = await run('challenge-set', 'list');
      expect(sets.stdout).toMatch(/^\d+\s+base\s+2$/m);
      expect(sets.stdout).toMatch(/^\d+\s+family\s+1$/m);
    },
    SLOW,
  );

  it(
    'delete ID deletes one, delete --all the rest; then a set can go by name',
    async () => {
      expect(await json('challenge', 'delete', String(added.id))).toEqual({ deleted: 1 });
      const neither = await run('challenge', 'delete');
      expect(neither.code).toBe(1);
      expect(neither.stderr).toContain('Give either a challenge id or --all.');
      expect(await json('challenge', 'delete', '--all')).toEqual({ deleted: 1 });
      expect(await client.request({ type: 'challenge.list' })).toEqual([]);
      await json('challenge-set', 'delete', 'family');
      expect((await client.request({ type: 'set.list' })).map((s) => s.name)).toEqual(['base']);
      await json('sector', 'close', '121');
      await json('sector', 'close', '110', 'C');
      expect(await json('sector', 'delete', 'w')).toEqual({ deleted: 1 });
      expect(await json('zone', 'delete', '121')).toEqual({ deleted: 1 });
      expect((await client.request({ type: 'zone.list' })).map((z) => z.number)).toEqual([110]);
      expect((await client.request({ type: 'sector.list' })).map((s) => [s.name, s.neighbours])).toEqual([
        ['C', []],
      ]);
    },
    SLOW,
  );
});
