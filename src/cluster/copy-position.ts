import { withDeadline } from './deadline.js';
import type { KV } from '@nats-io/kv';
import type { PartLog } from './part-log.js';

/** The lease bucket's keys under which each node tells how far its copy has the log: `copy.<node>`. */
const COPY_PREFIX = 'copy.';
/** How long listing the copies may take before a trim is given up (the next snapshot trims). */
const LISTING_DEADLINE_MS = 10_000;

/**
 * How far a running node's copy has the log, told in the lease bucket (CLUSTER-23): its key ages out a
 * lease after the node stops telling, as the nodes' own keys do. The global part's holder trims no entry
 * that a live copy still needs, so a node that loaded a snapshot and starts its server (seconds) finds
 * the entries after the snapshot still in the log, however often snapshots are taken meanwhile.
 */
export class CopyPosition {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly kv: KV,
    private readonly node: string,
    /** The position the copy has every entry up to (before catching up: the one it starts from). */
    private readonly position: () => number,
  ) {}

  /** Tells the position now and then every `everyMs` until stopped. */
  start(everyMs: number): Promise<void> {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.tell(), everyMs);
    return this.tell();
  }

  /** Tells the position now (as after loading a snapshot); a failed put is tried again at the next tick. */
  async tell(): Promise<void> {
    await this.kv.put(`${COPY_PREFIX}${this.node}`, String(this.position())).catch(() => undefined);
  }

  /** Stops telling and takes the key away: the log may be trimmed past this copy from now on. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.kv.delete(`${COPY_PREFIX}${this.node}`).catch(() => undefined);
  }
}

/** The lowest position a live node's copy told (undefined when none told any). */
export async function slowestCopy(kv: KV): Promise<number | undefined> {
  let slowest: number | undefined;
  for await (const key of await kv.keys(`${COPY_PREFIX}*`)) {
    const entry = await kv.get(key);
    const position = entry?.operation === 'PUT' ? Number(entry.string()) : NaN;
    if (Number.isInteger(position)) slowest = Math.min(slowest ?? position, position);
  }
  return slowest;
}

/**
 * The part log as the global part's holder trims it after a snapshot: through the oldest kept snapshot,
 * but never past a live copy's position (each part's last entry stays anyway, CLUSTER-19).
 */
export function trimBehindCopies(log: PartLog, kv: KV): Pick<PartLog, 'trimThrough'> {
  return {
    async trimThrough(seq: number): Promise<number> {
      const slowest = await withDeadline(slowestCopy(kv), LISTING_DEADLINE_MS, 'listing the copies');
      const through = Math.min(seq, slowest ?? seq);
      return through > 0 ? log.trimThrough(through) : 0;
    },
  };
}
