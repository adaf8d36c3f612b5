/**
 * At most `perSecond` log lines of one kind per second. An attack (a login brute force, thousands of
 * connections) must not turn into as many log lines: past the budget lines are dropped, and the next
 * line that is written says how many were (`suppressed`).
 */
export class LogBudget {
  private windowStart = -Infinity;
  private used = 0;
  private dropped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Undefined when the line is to be dropped; otherwise how many lines were dropped before it. */
  take(): number | undefined {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perSecond) {
      this.dropped++;
      return undefined;
    }
    this.used++;
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }
}
