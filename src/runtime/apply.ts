import type { Write } from '../engine/state.js';
import type { MutableState } from '../store/store.js';

/**
 * Applies a step's writes to the in-memory state. When `undo` is given, pushes one closure per write
 * that restores the previous value, so a batch whose commit fails can be rolled back in memory.
 */
export function applyWrites(state: MutableState, writes: readonly Write[], undo?: (() => void)[]): void {
  for (const write of writes) {
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
