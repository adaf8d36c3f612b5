/**
 * Notices a connection that went silent without closing. A phone in a tunnel, or one whose network
 * changed, may keep a socket that looks open for minutes while nothing gets through either way: the
 * browser tells of no error until TCP gives up. Every `silenceMs / 2` the watch looks: once nothing came
 * from the server for half the limit it asks (`probe`: a text-less ping, whose answer is something
 * heard); if nothing came for another half after asking, it gives the connection up (`dead`), so that the
 * client reconnects at once and re-sends what was not answered (IDEMPOTENCY-1, RESUME-2). A connection
 * still opening (no welcome yet, so nothing to probe with) gets the whole limit: on a poor network its
 * handshakes take several round trips.
 */
export class SilenceWatch {
  private lastHeard = 0;
  /** When the watch last asked (for a connection being opened: half the limit after it began). */
  private askedAt: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly silenceMs: number,
    private readonly probe: () => void,
    private readonly dead: () => void,
  ) {}

  /** A new connection is being opened: it must be heard from within the limit. */
  start(): void {
    this.stop();
    if (this.silenceMs <= 0) return;
    this.lastHeard = Date.now();
    this.askedAt = this.lastHeard + this.silenceMs / 2;
    this.timer = setInterval(() => this.look(), this.silenceMs / 2);
    // In Node, a watch alone does not keep the process running (the connection does, while it is open).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Something came from the server. */
  heard(): void {
    this.lastHeard = Date.now();
    this.askedAt = undefined;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private look(): void {
    const now = Date.now();
    const half = this.silenceMs / 2;
    if (this.askedAt !== undefined) {
      if (now - this.askedAt < half) return;
      this.stop();
      this.dead();
    } else if (now - this.lastHeard >= half) {
      this.askedAt = now;
      this.probe();
    }
  }
}
