import {
  SESSION_ID_TABLES,
  sessionIdKey,
  TABLE_NAMES,
  type IdSpace,
  type SessionIdTable,
  type TableName,
  type Write,
} from '../engine/state.js';

/** The meta key of the state's id space (CLUSTER-16); absent: `shared`. */
export const ID_SPACE_KEY = 'idSpace';

/**
 * The meta key of a counter: `nextId:<table>` for a table's shared one, `nextId:<table>:<session>` for a
 * session's counter of a session-owned table in the `per-session` space (CLUSTER-16).
 */
export const counterKey = (write: Extract<Write, { op: 'nextId' }>): string =>
  write.session === undefined ? `nextId:${write.table}` : `nextId:${write.table}:${write.session}`;

/** What a meta key names: a shared counter, a session's counter, or neither (another meta row). */
export type CounterName =
  { readonly kind: 'shared'; readonly table: TableName } | { readonly kind: 'session'; readonly key: string };

/** Reads a meta key as a counter's name; undefined for any other key (or a table this version lacks). */
export function counterName(key: string): CounterName | undefined {
  const [prefix, table, session, ...rest] = key.split(':');
  if (prefix !== 'nextId' || table === undefined || rest.length > 0 || !isTable(table)) return undefined;
  if (session === undefined) return { kind: 'shared', table };
  const id = Number(session);
  const numbered = (SESSION_ID_TABLES as readonly string[]).includes(table);
  return numbered && Number.isSafeInteger(id) && id > 0
    ? { kind: 'session', key: sessionIdKey(table as SessionIdTable, id) }
    : undefined;
}

/** Reads the id space's meta value; undefined for one this version does not know (the store is refused). */
export function idSpaceOf(value: string): IdSpace | undefined {
  return value === 'per-session' || value === 'shared' ? value : undefined;
}

/** The meta rows of a state's counters and id space, as `replaceState` writes them. */
export function counterRows(state: {
  readonly nextIds: Readonly<Record<TableName, number>>;
  readonly idSpace: IdSpace;
  readonly sessionIds: ReadonlyMap<string, number>;
}): [key: string, value: string][] {
  const rows: [string, string][] = Object.entries(state.nextIds).map(([t, next]) => [
    `nextId:${t}`,
    String(next),
  ]);
  for (const [key, next] of state.sessionIds) rows.push([`nextId:${key}`, String(next)]);
  if (state.idSpace !== 'shared') rows.push([ID_SPACE_KEY, state.idSpace]);
  return rows;
}

function isTable(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}
