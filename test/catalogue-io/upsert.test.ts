import { describe, expect, it } from 'vitest';
import type { ImportPlan } from '../../src/catalogue-io/index.js';
import { diffPlan, isUnchanged, parseCatalogueTables } from '../../src/catalogue-io/index.js';
import type { Catalogue } from '../../src/engine/catalogue/types.js';
import { applyPlan, emptyCatalogue } from './fake-engine.js';
import { readFixtureTables } from './fixture.js';
import { ROWS, smallTables } from './small-sheet.js';

const fixture = readFixtureTables();

function challengeIdAtLine(plan: ImportPlan, catalogue: Catalogue, line: number): number {
  const match = diffPlan(plan, catalogue).challenges.unchanged.find((m) => m.planned.line === line);
  if (match === undefined) throw new Error(`line ${line} matches nothing`);
  return match.id;
}

describe('[IMPORT-4] idempotent upsert', () => {
  const first = parseCatalogueTables(fixture);
  const catalogue = applyPlan(first);

  it('creates everything on an empty catalogue', () => {
    const diff = diffPlan(first, emptyCatalogue());
    expect(diff.sets.creates).toHaveLength(7);
    expect(diff.sectors.creates).toHaveLength(8);
    expect(diff.zones.creates).toHaveLength(42);
    expect(diff.travelMinutes.creates).toHaveLength(1764);
    expect(diff.challenges.creates).toHaveLength(144);
    expect(diff.rejected).toEqual([]);
  });

  it('parsing twice and diffing against the first result changes nothing', () => {
    const diff = diffPlan(parseCatalogueTables(fixture), catalogue);
    expect(isUnchanged(diff)).toBe(true);
    expect(diff.rejected).toEqual([]);
    expect(diff.challenges.unchanged).toHaveLength(144);
    expect(diff.travelMinutes.unchanged).toHaveLength(1764);
    expect(applyPlan(parseCatalogueTables(fixture), catalogue)).toEqual(catalogue);
  });

  it('updates the entity of a changed row, and only that one', () => {
    const id = challengeIdAtLine(first, catalogue, 2);
    const edited = {
      ...fixture,
      challenges: fixture.challenges.replace('Hüntwangen,114,,5,4,', 'Hüntwangen,114,,6,4,'),
    };
    const diff = diffPlan(parseCatalogueTables(edited), catalogue);
    expect(diff.challenges.updates.map((u) => [u.id, u.planned.line, u.planned.challenge.kaffskala])).toEqual(
      [[id, 2, 6]],
    );
    expect(diff.challenges.creates).toEqual([]);
    expect(applyPlan(parseCatalogueTables(edited), catalogue).challenges.get(id)?.kaffskala).toBe(6);
  });

  it('updates zones, sectors and travel minutes in place (the reference never updated zones)', () => {
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
  });

  it('with an id column, a renamed row updates its challenge instead of creating one', () => {
    const tables = smallTables();
    const small = applyPlan(parseCatalogueTables(tables));
    const turm = [...small.challenges.values()].find((c) => c.title === 'Turm');
    const renamed = smallTables([
      ROWS.kaff,
      { ...ROWS.ortsspezifisch, title: 'Aussichtsturm', id: String(turm?.id) },
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    const diff = diffPlan(parseCatalogueTables(renamed), small);
    expect(diff.challenges.creates).toEqual([]);
    expect(diff.challenges.updates.map((u) => [u.id, u.planned.challenge.title])).toEqual([
      [turm?.id, 'Aussichtsturm'],
    ]);
  });

  it('without an id, a renamed row is a new challenge (the old one stays: import never deletes)', () => {
    const small = applyPlan(parseCatalogueTables(smallTables()));
    const renamed = smallTables([
      ROWS.kaff,
      { ...ROWS.ortsspezifisch, title: 'Aussichtsturm' },
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    const diff = diffPlan(parseCatalogueTables(renamed), small);
    expect(diff.challenges.creates.map((c) => c.challenge.title)).toEqual(['Aussichtsturm']);
    expect(diff.challenges.unchanged).toHaveLength(3);
  });

  it('an id the catalogue does not know falls back to the natural key (sheet exported elsewhere)', () => {
    const small = applyPlan(parseCatalogueTables(smallTables()));
    const foreign = smallTables([
      { ...ROWS.kaff, id: '999' },
      ROWS.ortsspezifisch,
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    const diff = diffPlan(parseCatalogueTables(foreign), small);
    expect(isUnchanged(diff)).toBe(true);
  });

  it('refuses a row whose natural key matches several stored challenges, instead of guessing', () => {
    const small = applyPlan(parseCatalogueTables(smallTables()));
    const bachs = [...small.challenges.values()].find((c) => c.place === 'Bachs');
    if (bachs === undefined) throw new Error('Bachs missing');
    const twin = { ...bachs, id: 500, kaffskala: 6 };
    const doubled: Catalogue = { ...small, challenges: new Map([...small.challenges, [500, twin]]) };
    const diff = diffPlan(parseCatalogueTables(smallTables()), doubled);
    expect(diff.rejected).toEqual([
      {
        table: 'challenges',
        line: 2,
        reason: `matches challenges ${bachs.id}, 500 by kind and name; add their ids in an id column`,
      },
    ]);
    expect(diff.challenges.creates).toEqual([]);
  });

  it('refuses a repeated id (parse) and a name match on a challenge that an id row updates (diff)', () => {
    const small = applyPlan(parseCatalogueTables(smallTables()));
    const bachs = [...small.challenges.values()].find((c) => c.place === 'Bachs');
    const sheet = smallTables([
      ROWS.kaff,
      ROWS.zkaff,
      { ...ROWS.unspezifisch, id: String(bachs?.id) },
      { ...ROWS.zkaff, place: 'Zoo 2', id: String(bachs?.id) },
    ]);
    const diff = diffPlan(parseCatalogueTables(sheet), small);
    expect(parseCatalogueTables(sheet).rejected.map((r) => r.line)).toEqual([5]);
    expect(diff.rejected).toEqual([
      { table: 'challenges', line: 2, reason: `updates the same challenge ${bachs?.id} as line 4` },
    ]);
  });

  it('lets a row with a stored id win over an earlier row matching the same challenge by name', () => {
    const small = applyPlan(parseCatalogueTables(smallTables()));
    const turm = [...small.challenges.values()].find((c) => c.title === 'Turm');
    const sheet = smallTables([
      ROWS.ortsspezifisch,
      { ...ROWS.ortsspezifisch, title: 'Neuer Turm', id: String(turm?.id) },
    ]);
    const diff = diffPlan(parseCatalogueTables(sheet), small);
    expect(diff.rejected).toEqual([
      { table: 'challenges', line: 2, reason: `updates the same challenge ${turm?.id} as line 3` },
    ]);
    expect(diff.challenges.updates.map((u) => [u.id, u.planned.line])).toEqual([[turm?.id, 3]]);
  });

  it('keeps what the sheet cannot express (action, other languages) when it updates a challenge', () => {
    const small = applyPlan(parseCatalogueTables(smallTables()));
    const bachs = [...small.challenges.values()].find((c) => c.place === 'Bachs');
    if (bachs === undefined) throw new Error('Bachs missing');
    const enriched = {
      ...bachs,
      action: { type: 'UncompletableMinutes', minutes: 5 } as const,
      translatedTitles: { it_ch: 'Bachs (it)' },
    };
    const current: Catalogue = { ...small, challenges: new Map([...small.challenges, [bachs.id, enriched]]) };
    expect(isUnchanged(diffPlan(parseCatalogueTables(smallTables()), current))).toBe(true);
    const edited = smallTables([
      { ...ROWS.kaff, grade: '5' },
      ROWS.ortsspezifisch,
      ROWS.unspezifisch,
      ROWS.zkaff,
    ]);
    const after = applyPlan(parseCatalogueTables(edited), current).challenges.get(bachs.id);
    expect(after).toMatchObject({
      grade: 5,
      action: enriched.action,
      translatedTitles: { it_ch: 'Bachs (it)' },
    });
  });
});
