import type { Logger } from 'pino';
import type { SweptLeftovers } from './leftover-chunks.js';

/**
 * The owner's sweep of one object store's leftovers (CLUSTER-14): once when it starts (at takeover), then
 * every `periodMs` until stopped. A sweep runs beside the engine's loop, one at a time; a failed one is
 * logged and the next one tries again.
 */
export class LeftoverSweeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    /** The bucket's name, for the log. */
    private readonly bucket: string,
    private readonly sweep: () => Promise<SweptLeftovers>,
    private readonly periodMs: number,
    private readonly logger: Logger,
  ) {
    void this.run();
  }

  /** Sweeps no more (a sweep under way finishes: it only purges what no object names). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    try {
      const swept = await this.sweep();
      if (swept.subjects > 0) this.logger.info({ bucket: this.bucket, ...swept }, 'leftover chunks swept');
    } catch (error) {
      if (!this.stopped)
        this.logger.warn(
          { err: error, bucket: this.bucket },
          'leftover chunks not swept: trying again later',
        );
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.run(), this.periodMs);
  }
}
