import { createHash } from 'node:crypto';
import { emptyState, TABLE_NAMES, type EngineState, type TableName } from '../engine/state.js';
import type { MutableState } from './store.js';
import { counterName, idSpaceOf } from './id-counters.js';
import { splitPlayers, type StoredRecord } from './position-migration.js';
import { withHashedToken } from './token-migration.js';

export const STATE_FORMAT = 'truinlag-state';
export const STATE_FORMAT_VERSION = 1;

/** The whole game state as one JSON document (for export/import and replay bases). */
export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly version: number;
  readonly nextIds: Record<string, number>;
  /** `per-session` once the state switched (CLUSTER-16); absent in the `shared` space. */
  readonly idSpace?: 'per-session';
  /** The sessions' counters (`table:session` → next number), absent while there are none (CLUSTER-16). */
  readonly sessionIds?: Record<string, number>;
  readonly tables: Record<string, unknown[]>;
}

/** The state as a document with tables and records in a canonical order. */
export function toStateDocument(state: EngineState): StateDocument {
  const tables: Record<string, unknown[]> = {};
  for (const name of [...TABLE_NAMES].sort()) {
    tables[name] = [...state.tables[name].values()].sort((a, b) => a.id - b.id);
  }
  // A `shared` state's document is as it was before CLUSTER-16, so its hash is too.
  return {
    format: STATE_FORMAT,
    version: STATE_FORMAT_VERSION,
    nextIds: { ...state.nextIds },
    ...(state.idSpace === 'shared' ? {} : { idSpace: state.idSpace }),
    ...(state.sessionIds.size === 0 ? {} : { sessionIds: Object.fromEntries(state.sessionIds) }),
    tables,
  };
}

/** Reads a state document back; throws a clear error for anything that is not one. */
export function fromStateDocument(document: unknown): MutableState {
  const doc = document as Partial<StateDocument>;
  if (doc.format !== STATE_FORMAT || doc.version !== STATE_FORMAT_VERSION) {
    throw new Error(`Not a ${STATE_FORMAT} v${STATE_FORMAT_VERSION} document.`);
  }
  const state = emptyState() as unknown as MutableState;
  // Documents exported before CLUSTER-12 keep players' team and last report in their records.
  const tables = splitPlayers((doc.tables ?? {}) as Record<string, StoredRecord[]>);
  for (const [name, records] of Object.entries(tables)) {
    if (!(TABLE_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown table "${name}".`);
    const table = state.tables[name as TableName] as Map<number, unknown>;
    // Documents exported before AUTH-8 carry plain-text tokens: only their hashes are taken in.
    const taken = name === 'token' ? (records as Record<string, unknown>[]).map(withHashedToken) : records;
    for (const record of taken as { id: number }[]) table.set(record.id, record);
  }
  for (const [name, next] of Object.entries(doc.nextIds ?? {})) {
    if ((TABLE_NAMES as readonly string[]).includes(name)) state.nextIds[name as TableName] = next;
  }
  if (doc.idSpace !== undefined && idSpaceOf(doc.idSpace) === undefined)
    throw new Error(`Unknown id space "${String(doc.idSpace)}".`);
  state.idSpace = doc.idSpace ?? 'shared';
  for (const [key, next] of Object.entries(doc.sessionIds ?? {})) {
    const counter = counterName(`nextId:${key}`);
    if (counter?.kind !== 'session') throw new Error(`Unknown session counter "${key}".`);
    state.sessionIds.set(counter.key, next);
  }
  return state;
}

/**
 * A hash of the game state that ignores key order and record order, so two states are equal exactly
 * when their records and id counters are. Broadcast sequence numbers are delivery bookkeeping, not game
 * state, and are left out.
 */
export function stateHash(state: EngineState): string {
  return createHash('sha256')
    .update(canonicalJson(toStateDocument(state)))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
