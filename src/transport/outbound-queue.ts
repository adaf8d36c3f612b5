import type { ByteTally } from './observer.js';

/** The transport under a queue: takes one frame at a time and reports when it has been written out. */
export interface FrameSink {
  /** Writes one frame; calls `written` once it has left the process (or failed). */
  write(frame: string, written: () => void): void;
}

/**
 * A connection's bounded outbound queue (by bytes). At most `window` frames are handed to the transport
 * at once; the rest wait here. If the queued bytes pass `maxBytes` the queue reports overflow and the
 * connection is cut off: the engine never waits for a client.
 */
export class OutboundQueue {
  private readonly frames: string[] = [];
  private bytes = 0;
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
    /** The bytes waiting in every connection's queue together (kept here, read by metrics). */
    private readonly total: ByteTally = { bytes: 0 },
    private readonly window = 64,
  ) {}

  /** Bytes waiting here (not yet handed to the transport). */
  get queuedBytes(): number {
    return this.bytes;
  }

  push(frame: string): void {
    if (this.closed) return;
    this.frames.push(frame);
    this.bytes += frame.length;
    this.total.bytes += frame.length;
    if (this.bytes > this.maxBytes) {
      this.close();
      this.onOverflow();
      return;
    }
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.frames.length = 0;
    this.total.bytes -= this.bytes;
    this.bytes = 0;
  }

  private flush(): void {
    while (!this.closed && this.inFlight < this.window && this.frames.length > 0) {
      const next = this.frames.shift() as string;
      this.bytes -= next.length;
      this.total.bytes -= next.length;
      this.inFlight++;
      this.sink.write(next, () => {
        this.inFlight--;
        this.flush();
      });
    }
  }
}
