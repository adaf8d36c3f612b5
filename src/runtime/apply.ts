import { sessionIdKey, type SessionIdTable, type Write } from '../engine/state.js';
import type { MutableState } from '../store/store.js';

/**
 * Applies a step's writes to the in-memory state. When `undo` is given, pushes one closure per write
 * that restores the previous value, so a batch whose commit fails can be rolled back in memory.
 */
export function applyWrites(state: MutableState, writes: readonly Write[], undo?: (() => void)[]): void {
  for (const write of writes) {
    if (write.op === 'idSpace') {
      const previous = state.idSpace;
      state.idSpace = write.space;
      undo?.push(() => (state.idSpace = previous));
      continue;
    }
    if (write.op === 'nextId' && write.session !== undefined) {
      applySessionCounter(
        state,
        sessionIdKey(write.table as SessionIdTable, write.session),
        write.next,
        undo,
      );
      continue;
    }
    if (write.op === 'nextId') {
      const previous = state.nextIds[write.table];
      state.nextIds[write.table] = write.next;
      undo?.push(() => (state.nextIds[write.table] = previous));
      continue;
    }
    const table = state.tables[write.table] as Map<number, unknown>;
    const previous = table.get(write.id);
    if (write.op === 'put') table.set(write.id, write.doc);
    else table.delete(write.id);
    undo?.push(() => (previous === undefined ? table.delete(write.id) : table.set(write.id, previous)));
  }
}

/** Moves a session's counter of a table on (CLUSTER-16); `undo` puts it back (absent if it was). */
function applySessionCounter(state: MutableState, key: string, next: number, undo?: (() => void)[]): void {
  const previous = state.sessionIds.get(key);
  state.sessionIds.set(key, next);
  undo?.push(() =>
    previous === undefined ? state.sessionIds.delete(key) : state.sessionIds.set(key, previous),
  );
}
