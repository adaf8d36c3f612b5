import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueTables, ImportPlan } from '../../src/catalogue-io/index.js';
import { diffPlan, isUnchanged, parseCatalogueTables } from '../../src/catalogue-io/index.js';
import type { Catalogue, Challenge } from '../../src/engine/catalogue/types.js';
import { closeClients, found, removeTempDirs, stopTestServers, theOne } from '../helpers/index.js';
import { readFixtureTables } from './fixture.js';
import { engineWith, liveEngine, type LiveEngine } from './live-engine.js';
import { ROWS, smallTables } from './small-sheet.js';

/**
 * The idempotent upsert (IMPORT-4) on the real engine: each sheet is imported by the CLI's importer into a
 * real server (SQLite file, single writer), and plans are diffed against the catalogue the engine stored.
 */
const fixture = readFixtureTables();

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

function challengeIdAtLine(plan: ImportPlan, catalogue: Catalogue, line: number): number {
  const match = diffPlan(plan, catalogue).challenges.unchanged.find((m) => m.planned.line === line);
  if (match === undefined) throw new Error(`line ${line} matches nothing`);
  return match.id;
}

const challengeWhere = (catalogue: Catalogue, test: (c: Challenge) => boolean): Challenge =>
  theOne(catalogue.challenges.values(), test, 'matching challenges');

describe('[IMPORT-4] idempotent upsert of the zvv-demo fixture on the real engine', () => {
  const first = parseCatalogueTables(fixture);
  let engine: LiveEngine;
  let empty: Catalogue;
  let catalogue: Catalogue;

  beforeAll(async () => {
    engine = await liveEngine();
    empty = await engine.catalogue();
    const report = await engine.import(fixture);
    expect(report.rejected.map((r) => r.by)).toEqual(Array(10).fill('sheet'));
    catalogue = await engine.catalogue();
  }, 120_000);

  it('creates everything on an empty catalogue', () => {
    const diff = diffPlan(first, empty);
    expect(diff.sets.creates).toHaveLength(7);
    expect(diff.sectors.creates).toHaveLength(8);
    expect(diff.zones.creates).toHaveLength(42);
    expect(diff.travelMinutes.creates).toHaveLength(1764);
    expect(diff.challenges.creates).toHaveLength(144);
    expect(diff.rejected).toEqual([]);
    expect([catalogue.sets.size, catalogue.sectors.size, catalogue.zones.size]).toEqual([7, 8, 42]);
    expect(catalogue.challenges.size).toBe(144);
  });

  it('parsing again and diffing against the stored catalogue changes nothing; a re-import writes nothing', async () => {
    const diff = diffPlan(parseCatalogueTables(fixture), catalogue);
    expect(isUnchanged(diff)).toBe(true);
    expect(diff.rejected).toEqual([]);
    expect(diff.challenges.unchanged).toHaveLength(144);
    expect(diff.travelMinutes.unchanged).toHaveLength(1764);
    const again = await engine.import(fixture);
    expect(again.changed).toBe(false);
    expect(await engine.catalogue()).toEqual(catalogue);
  });

  // The two tests below change the catalogue: keep them last in this block.
  it('updates zones, sectors and travel minutes in place (the reference never updated zones)', async () => {
    const edited = {
      ...fixture,
      zones: fixture.zones.replace('111,5,72,true,false,WH', '111,5,73,true,false,W'),
      distances: fixture.distances.replace('110,111,12\n', '110,111,13\n'),
      sectors: fixture.sectors.replace('E,NO', 'E,N').replace('O,CENR', 'O,CNR'),
    };
    const diff = diffPlan(parseCatalogueTables(edited), catalogue);
    expect(diff.zones.updates.map((u) => u.planned)).toEqual([
      expect.objectContaining({ number: 111, numConnections: 73, closeSectors: ['W'] }),
    ]);
    expect(diff.travelMinutes.updates).toEqual([{ from: 110, to: 111, minutes: 13 }]);
    expect(diff.sectors.updates.map((u) => u.planned)).toEqual([
      { name: 'E', neighbours: ['N'] },
      { name: 'O', neighbours: ['C', 'N', 'R'] },
    ]);

    await engine.import(edited);
    const after = await engine.catalogue();
    const zone = (n: number) => theOne(after.zones.values(), (z) => z.number === n, `zones ${n}`);
    const sector = (name: string) =>
      theOne(after.sectors.values(), (s) => s.name === name, `sectors ${name}`);
    const [z110, z111, e, n, o, w] = [
      zone(110),
      zone(111),
      sector('E'),
      sector('N'),
      sector('O'),
      sector('W'),
    ];
    const stored = found(catalogue.zones.get(z111.id), `stored zone ${z111.id}`);
    expect(z111).toEqual({ ...stored, numConnections: 73, closeSectors: [w.id] });
    expect(z110.minutesTo[z111.id]).toBe(13);
    expect(e.neighbours).toEqual([n.id]);
    expect(o.neighbours).not.toContain(e.id);
    // In place: the same ids, and nothing was created.
    expect([...after.zones.keys()]).toEqual([...catalogue.zones.keys()]);
    expect([...after.sectors.keys()]).toEqual([...catalogue.sectors.keys()]);
    expect(isUnchanged(diffPlan(parseCatalogueTables(edited), after))).toBe(true);
  });

  it('updates the challenge of a changed row, and only that one', async () => {
    const before = await engine.catalogue();
    const id = challengeIdAtLine(first, before, 2);
    const edited = {
      ...fixture,
      challenges: fixture.challenges.replace('Hüntwangen,114,,5,4,', 'Hüntwangen,114,,6,4,'),
    };
    const diff = diffPlan(parseCatalogueTables(edited), before);
    expect(diff.challenges.updates.map((u) => [u.id, u.planned.line, u.planned.challenge.kaffskala])).toEqual(
      [[id, 2, 6]],
    );
    expect(diff.challenges.creates).toEqual([]);

    const report = await engine.import(edited);
    expect(report.summary.challenges).toMatchObject({ created: 0, updated: 1, unchanged: 143 });
    const after = await engine.catalogue();
    expect(after.challenges.get(id)?.kaffskala).toBe(6);
    // Every other challenge is as it was, edit time included.
    const others = (c: Catalogue): Challenge[] => [...c.challenges.values()].filter((x) => x.id !== id);
    expect(others(after)).toEqual(others(before));
  });
});

describe('[IMPORT-4] matching rows to stored challenges, on the real engine', () => {
  let engine: LiveEngine;
  let small: Catalogue;
  const diffSmall = (tables: CatalogueTables) => diffPlan(parseCatalogueTables(tables), small);

  beforeAll(async () => {
    engine = await engineWith(smallTables());
    small = await engine.catalogue();
  }, 60_000);

  it('with an id column, a renamed row updates its challenge instead of creating one', () => {
    const turm = challengeWhere(small, (c) => c.title === 'Turm');
    const renamed = smallTables([
      ROWS.kaff,
      { ...ROWS.ortsspezifisch, title: 'Aussichtsturm', id: String(turm.id) },
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    const diff = diffSmall(renamed);
    expect(diff.challenges.creates).toEqual([]);
    expect(diff.challenges.updates.map((u) => [u.id, u.planned.challenge.title])).toEqual([
      [turm.id, 'Aussichtsturm'],
    ]);
  });

  it('without an id, a renamed row is a new challenge (the old one stays: import never deletes)', () => {
    const renamed = smallTables([
      ROWS.kaff,
      { ...ROWS.ortsspezifisch, title: 'Aussichtsturm' },
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    const diff = diffSmall(renamed);
    expect(diff.challenges.creates.map((c) => c.challenge.title)).toEqual(['Aussichtsturm']);
    expect(diff.challenges.unchanged).toHaveLength(3);
  });

  it('an id the catalogue does not know falls back to the natural key (sheet exported elsewhere)', () => {
    const unknownId = Math.max(...small.challenges.keys()) + 1000;
    const foreign = smallTables([
      { ...ROWS.kaff, id: String(unknownId) },
      ROWS.ortsspezifisch,
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    expect(isUnchanged(diffSmall(foreign))).toBe(true);
  });

  it('refuses a repeated id (parse) and a name match on a challenge that an id row updates (diff)', () => {
    const bachs = challengeWhere(small, (c) => c.place === 'Bachs');
    const sheet = smallTables([
      ROWS.kaff,
      ROWS.zkaff,
      { ...ROWS.unspezifisch, id: String(bachs.id) },
      { ...ROWS.zkaff, place: 'Zoo 2', id: String(bachs.id) },
    ]);
    expect(parseCatalogueTables(sheet).rejected.map((r) => r.line)).toEqual([5]);
    expect(diffSmall(sheet).rejected).toEqual([
      { table: 'challenges', line: 2, reason: `updates the same challenge ${bachs.id} as line 4` },
    ]);
  });

  it('lets a row with a stored id win over an earlier row matching the same challenge by name', () => {
    const turm = challengeWhere(small, (c) => c.title === 'Turm');
    const sheet = smallTables([
      ROWS.ortsspezifisch,
      { ...ROWS.ortsspezifisch, title: 'Neuer Turm', id: String(turm.id) },
    ]);
    const diff = diffSmall(sheet);
    expect(diff.rejected).toEqual([
      { table: 'challenges', line: 2, reason: `updates the same challenge ${turm.id} as line 3` },
    ]);
    expect(diff.challenges.updates.map((u) => [u.id, u.planned.line])).toEqual([[turm.id, 3]]);
  });
});

describe('[IMPORT-4] upserts into a catalogue changed by hand, on the real engine', () => {
  it('refuses a row whose natural key matches several stored challenges, instead of guessing', async () => {
    const engine = await engineWith(smallTables());
    const bachs = challengeWhere(await engine.catalogue(), (c) => c.place === 'Bachs');
    const { id: _id, lastEdit: _t, ...input } = bachs;
    const twin = await engine.client.request({
      type: 'challenge.add',
      challenge: { ...input, kaffskala: 6 },
    });
    const diff = diffPlan(parseCatalogueTables(smallTables()), await engine.catalogue());
    expect(diff.rejected).toEqual([
      {
        table: 'challenges',
        line: 2,
        reason: `matches challenges ${bachs.id}, ${twin.id} by kind and name; add their ids in an id column`,
      },
    ]);
    expect(diff.challenges.creates).toEqual([]);
  });

  it('keeps what the sheet cannot express (action, other languages) when it updates a challenge', async () => {
    const engine = await engineWith(smallTables());
    const bachs = challengeWhere(await engine.catalogue(), (c) => c.place === 'Bachs');
    const action = { type: 'UncompletableMinutes', minutes: 5 } as const;
    await engine.client.request({
      type: 'challenge.edit',
      id: bachs.id,
      changes: { action, translatedTitles: { it_ch: 'Bachs (it)' } },
    });
    expect(isUnchanged(diffPlan(parseCatalogueTables(smallTables()), await engine.catalogue()))).toBe(true);

    const edited = smallTables([
      { ...ROWS.kaff, grade: '5' },
      ROWS.ortsspezifisch,
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    const report = await engine.import(edited);
    expect(report.summary.challenges).toMatchObject({ updated: 1, unchanged: 3 });
    expect(await engine.client.request({ type: 'challenge.get', id: bachs.id })).toMatchObject({
      grade: 5,
      action,
      translatedTitles: { it_ch: 'Bachs (it)' },
    });
  });
});
