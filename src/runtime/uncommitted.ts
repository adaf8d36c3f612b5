import type { TableName } from '../engine/state.js';
import type { StepReads } from '../engine/tx.js';
import type { Applied } from './apply-replicated.js';
import type { Stepped } from './stepper.js';

/** What a turn holds back until its commit: stepped requests and applied replicated batches. */
export type Held = Stepped | Applied;

/**
 * What the steps held back (stepped, not yet released) hold: the tables their writes changed, whether
 * any of them changed or announced anything at all, and which connections wait for their answers. It
 * decides which answers need not wait their turn (PROTOCOL-8): a step that changed nothing, whose
 * connection has no earlier answer held back, and that read no table a held-back step changed, shows
 * only what is already durable (DURABILITY-1), so it is answered at once instead of behind the commits
 * ahead of it.
 */
export class Uncommitted {
  /** Per table, the held-back steps that wrote to it. */
  private readonly tables = new Map<TableName, number>();
  /** Held-back steps that wrote or announced something (a step that read everything waits for these). */
  private changing = 0;
  /** Per connection id, its requests whose answers are held back. */
  private readonly peers = new Map<string, number>();

  /** A stepped item (or an applied replicated batch) joins the turns waiting for their commits. */
  hold(held: Held): void {
    this.count(held, 1);
  }

  /** A held-back item was released (committed, or rolled back and refused). */
  release(held: Held): void {
    this.count(held, -1);
  }

  /**
   * Whether a stepped item can be answered now, before the turns held back: it is a client's request
   * that changed, announced and started nothing, its connection waits for no earlier answer (a client
   * sees its answers in the order it asked), and it read nothing a held-back step changed.
   */
  mayAnswerNow({ item, result, frame }: Stepped): boolean {
    if (item.source !== 'client' || frame === undefined || changes(result)) return false;
    if (this.peers.has(item.peer.id)) return false;
    return this.untouched(result.reads);
  }

  private untouched(reads: StepReads): boolean {
    if (reads === 'everything') return this.changing === 0;
    for (const table of reads) if (this.tables.has(table)) return false;
    return true;
  }

  private count(held: Held, by: 1 | -1): void {
    if (held.item.source === 'client') bump(this.peers, held.item.peer.id, by);
    // A replicated batch changes what it writes and announces, as the steps that made it did.
    const stepped = 'result' in held;
    const writes = stepped ? held.result.writes : held.item.batch.writes;
    if (!stepped || changes(held.result)) this.changing += by;
    const written = new Set<TableName>();
    for (const write of writes) if (write.op !== 'idSpace') written.add(write.table);
    for (const table of written) bump(this.tables, table, by);
  }
}

/** Whether a step changed, announced, started or stopped anything (then it is committed in turn). */
function changes(result: Stepped['result']): boolean {
  return (
    result.writes.length > 0 ||
    result.broadcasts.length > 0 ||
    result.jobs.length > 0 ||
    result.shutdown ||
    result.blobDeletes !== undefined ||
    result.redactions !== undefined
  );
}

function bump<K>(counts: Map<K, number>, key: K, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}
