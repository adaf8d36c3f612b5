/**
 * Coalesces a storm of changes into at most one signal per interval (OPS-4): the first change signals at
 * once, changes during the following interval signal once when it ends, and a quiet interval ends it.
 * Real timers, not the runtime's clock: it paces messages to clients and decides nothing of the game.
 */
export class CoalescedSignal {
  private cooling: NodeJS.Timeout | undefined;
  private dirty = false;
  private stopped = false;

  constructor(
    private readonly signal: () => void,
    private readonly intervalMs = 1_000,
  ) {}

  changed(): void {
    if (this.stopped) return;
    if (this.cooling !== undefined) {
      this.dirty = true;
      return;
    }
    this.signal();
    this.coolDown();
  }

  /** No more signals (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.cooling);
    this.cooling = undefined;
  }

  private coolDown(): void {
    this.cooling = setTimeout(() => {
      this.cooling = undefined;
      if (!this.dirty || this.stopped) return;
      this.dirty = false;
      this.signal();
      this.coolDown();
    }, this.intervalMs);
    this.cooling.unref();
  }
}
