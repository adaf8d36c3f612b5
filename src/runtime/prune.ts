const DAY_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/**
 * When a commit also drops answered requests and logged broadcasts past retention: every 10 minutes
 * (the first commit prunes). They are kept at least 24 h (IDEMPOTENCY-1, RESUME-1).
 */
export class PruneSchedule {
  private last = -Infinity;
  private readonly retentionMs: number;

  constructor(retentionMs = DAY_MS) {
    this.retentionMs = Math.max(DAY_MS, retentionMs);
  }

  /** The cut-off (epoch ms) to prune before when a prune is due at `now`; else undefined. */
  due(now: number): number | undefined {
    if (now - this.last < PRUNE_EVERY_MS) return undefined;
    this.last = now;
    return now - this.retentionMs;
  }
}
