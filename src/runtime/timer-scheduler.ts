import type { TimerRecord } from '../engine/state.js';
import type { Clock } from './clock.js';

/** setTimeout cannot wait longer than this; longer waits are re-checked when it fires. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Keeps one real timeout for the earliest due durable timer. Firing only hands the due timer ids, in
 * due order, to `onDue`, which puts them into the engine's mailbox: the engine decides what happens.
 * A timer stays known until the store no longer has it (`sync` with undefined), so a fire that the
 * engine did not act on is retried.
 */
export class TimerScheduler {
  private readonly due = new Map<number, number>();
  private readonly fired = new Set<number>();
  private handle: unknown = undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (timerIds: number[]) => void,
  ) {}

  /** Brings one timer up to date with its stored record (undefined: cancelled or done). */
  sync(id: number, record: TimerRecord | undefined): void {
    this.fired.delete(id);
    if (record === undefined || record.pausedRemainingMs !== null) this.due.delete(id);
    else this.due.set(id, record.dueAt);
  }

  /** Whether a timer is on the schedule (a paused one is not). */
  knows(id: number): boolean {
    return this.due.has(id);
  }

  /** Re-arms the single real timeout; call after a batch of `sync` calls. */
  rearm(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    if (this.stopped) return;
    let earliest = Infinity;
    for (const [id, dueAt] of this.due) if (!this.fired.has(id)) earliest = Math.min(earliest, dueAt);
    if (earliest === Infinity) return;
    const wait = Math.min(MAX_TIMEOUT_MS, Math.max(0, earliest - this.clock.now()));
    this.handle = this.clock.setTimeout(() => this.fire(), wait);
  }

  stop(): void {
    this.stopped = true;
    this.rearm();
  }

  /** Number of armed timers (for observability and tests). */
  get size(): number {
    return this.due.size;
  }

  private fire(): void {
    this.handle = undefined;
    const now = this.clock.now();
    const ready = [...this.due.entries()]
      .filter(([id, dueAt]) => dueAt <= now && !this.fired.has(id))
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .map(([id]) => id);
    for (const id of ready) this.fired.add(id);
    if (ready.length > 0) this.onDue(ready);
    this.rearm();
  }
}
