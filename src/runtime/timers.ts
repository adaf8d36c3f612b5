import type { Command } from '../protocol/commands/index.js';
import type { TimerRecord, Write } from '../engine/state.js';
import type { Clock } from './clock.js';
import { TimerScheduler } from './timer-scheduler.js';

/** How long a timer whose fire could not be saved waits before it is tried again. */
const COMMIT_RETRY_MS = 1_000;

/**
 * The state's durable timers on the clock: a due timer is handed to `fire` (which queues a `timer.fire`
 * for the engine). The schedule follows released changes only, so a timer fires from what is on disk.
 * Only timers this node `owns` (of the parts it owns, CLUSTER-18) are armed.
 */
export class DurableTimers {
  private readonly scheduler: TimerScheduler;

  constructor(
    private readonly clock: Clock,
    private readonly records: ReadonlyMap<number, TimerRecord>,
    fire: (timer: number) => void,
    private readonly owns: (timer: number) => boolean = () => true,
  ) {
    this.scheduler = new TimerScheduler(clock, (ids) => {
      for (const id of ids) fire(id);
    });
    for (const timer of records.values()) this.sync(timer.id);
  }

  /** Number of armed timers (for observability and tests). */
  get size(): number {
    return this.scheduler.size;
  }

  /** A released step: the timers it wrote, and the one it fired, are brought up to date. */
  released(writes: readonly Write[], command?: Command): void {
    for (const write of writes)
      if ((write.op === 'put' || write.op === 'delete') && write.table === 'timer') this.sync(write.id);
    if (command?.type === 'timer.fire') this.sync(command.timer);
  }

  /**
   * The node gained or lost parts: every timer is armed or disarmed by whether it owns it now, and the
   * timeout re-armed (gained timers that are overdue fire at once, in due order). A timer whose
   * ownership did not change is left as it is, so one that fired and waits for its step fires once.
   */
  resync(): void {
    for (const [id, record] of this.records) {
      const owned = this.owns(id);
      if (owned !== this.scheduler.knows(id)) this.scheduler.sync(id, owned ? record : undefined);
    }
    this.scheduler.rearm();
  }

  /**
   * A fire that could not be saved (memory is back as it was) goes back on the schedule after a pause, so
   * that it is retried instead of forgotten until the next restart, without hammering a failing store.
   */
  retry(timer: number): void {
    this.clock.setTimeout(() => {
      this.sync(timer);
      this.scheduler.rearm();
    }, COMMIT_RETRY_MS);
  }

  /** Re-arms the real timeout (after a batch of changes; at start, timers already due fire now). */
  rearm(): void {
    this.scheduler.rearm();
  }

  stop(): void {
    this.scheduler.stop();
  }

  private sync(id: number): void {
    const record = this.records.get(id);
    this.scheduler.sync(id, record !== undefined && this.owns(id) ? record : undefined);
  }
}
