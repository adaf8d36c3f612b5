import { snapshotDue, type LastSnapshot, type SnapshotSettings } from './snapshot-policy.js';

/** How often the owner looks whether a snapshot is due (reading its store's position is cheap). */
const CHECK_MS = 1_000;

/**
 * The owner's snapshot timer: each second it compares its store's log position with the last snapshot's
 * and takes one when due (CLUSTER-8). The snapshot itself runs beside the engine's loop; a failed one is
 * reported and tried again at the next look.
 */
export class Snapshotter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last: LastSnapshot | undefined;
  private stopped = false;

  constructor(
    private readonly settings: SnapshotSettings,
    /** The log position the owner's store holds now. */
    private readonly position: () => number,
    /** The position of the newest snapshot in the bucket (0 for none): the first look's baseline. */
    private readonly newest: () => Promise<number>,
    /** Takes one: resolves with its position (undefined when one was still running). */
    private readonly take: () => Promise<number | undefined>,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.schedule();
  }

  /** Takes no more snapshots (one under way finishes: it is a consistent copy all the same). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.look(), CHECK_MS);
  }

  private async look(): Promise<void> {
    try {
      this.last ??= { position: await this.newest(), at: Date.now() };
      if (!this.stopped && snapshotDue(this.position(), this.last, Date.now(), this.settings)) {
        const position = await this.take();
        if (position !== undefined) this.last = { position, at: Date.now() };
      }
    } catch (error) {
      if (!this.stopped) this.onFailure(error);
    }
    this.schedule();
  }
}
