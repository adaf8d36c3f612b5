import type Database from 'better-sqlite3';
import { dirname } from 'node:path';
import type { PeriodRecord, TeamRecord } from '../engine/game/types.js';
import { emptyState, TABLE_NAMES, type TableName } from '../engine/state.js';
import { counterName, ID_SPACE_KEY, idSpaceOf } from './id-counters.js';
import { restoreHint, StartRefusal } from './start-refusal.js';
import type { MutableState } from './store.js';

/** A row of the entity table. */
export interface EntityRow {
  kind: string;
  id: number;
  doc: string;
}
interface PeriodRow {
  team: number;
  idx: number;
  doc: string;
}
/** A row of the meta table. */
export interface MetaRow {
  key: string;
  value: string;
}

/**
 * The game state as the store's tables hold it: every record, each team with its periods joined back in
 * (period-rows.ts), the id counters and the id space. What cannot be read is refused by name, with how to
 * restore (DURABILITY-5). Delivery bookkeeping (the streams' sequence numbers) is not read here. Used by
 * the store's load and by migrations that need the state as a whole.
 */
export function readStoredState(db: Database.Database): MutableState {
  try {
    return readRows(db);
  } catch (error) {
    if (!(error instanceof StartRefusal)) throw error;
    throw new StartRefusal(`${error.message} ${restoreHint(dirname(db.name))}`);
  }
}

function readRows(db: Database.Database): MutableState {
  const state = emptyState() as unknown as MutableState;
  for (const row of db.prepare('SELECT kind, id, doc FROM entity').iterate() as Iterable<EntityRow>) {
    (state.tables[tableOf(row)] as Map<number, unknown>).set(row.id, parseRow(row));
  }
  joinPeriods(db, state.tables.team);
  for (const row of db.prepare('SELECT key, value FROM meta').iterate() as Iterable<MetaRow>)
    loadMetaRow(state, row);
  return state;
}

/** An entity's document; one that cannot be read is refused naming its table and id (DURABILITY-5). */
export function parseRow(row: EntityRow): unknown {
  try {
    return JSON.parse(row.doc);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new StartRefusal(`The ${row.kind} record with id ${row.id} cannot be read (${why}).`);
  }
}

/**
 * Puts each team's periods back into its record (period-rows.ts); a team whose stored count of periods
 * does not match its period rows is refused by name (DURABILITY-5).
 */
function joinPeriods(db: Database.Database, teams: Map<number, TeamRecord>): void {
  const periods = new Map<number, PeriodRecord[]>();
  const rows = db.prepare('SELECT team, idx, doc FROM period ORDER BY team, idx').iterate();
  for (const row of rows as Iterable<PeriodRow>) {
    const list = periods.get(row.team) ?? [];
    if (row.idx !== list.length) throw missingPeriod(row.team, list.length);
    list.push(parseRow({ kind: 'period', id: row.idx, doc: row.doc }) as PeriodRecord);
    periods.set(row.team, list);
  }
  for (const [id, core] of teams) {
    const list = periods.get(id) ?? [];
    const count = core.periods as unknown as number;
    if (list.length !== count) throw missingPeriod(id, Math.min(list.length, count));
    teams.set(id, { ...core, periods: list });
  }
}

/** The engine table an entity row belongs to; a row of an unknown kind is refused by name (DURABILITY-5). */
function tableOf(row: EntityRow): TableName {
  if (isTable(row.kind)) return row.kind;
  throw new StartRefusal(`Row ${row.id} of the store's entity table has an unknown kind "${row.kind}".`);
}

function missingPeriod(team: number, index: number): StartRefusal {
  return new StartRefusal(`Period ${index} of team ${team} is missing from the store's period table.`);
}

/** Takes a meta row's counter or id space into the state (CLUSTER-16); other rows are not the state's. */
function loadMetaRow(state: MutableState, row: MetaRow): void {
  if (row.key === ID_SPACE_KEY) {
    const space = idSpaceOf(row.value);
    if (space === undefined)
      throw new StartRefusal(`The store's id space "${row.value}" is not one this version knows.`);
    state.idSpace = space;
    return;
  }
  const counter = counterName(row.key);
  if (counter?.kind === 'shared') state.nextIds[counter.table] = counterOf(row);
  else if (counter?.kind === 'session') state.sessionIds.set(counter.key, counterOf(row));
}

function counterOf(row: MetaRow): number {
  const value = Number(row.value);
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new StartRefusal(
    `The counter "${row.key}" of the store's meta table is not a number: "${row.value}".`,
  );
}

function isTable(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}
