/** The shortest and longest wait between two re-sends, whatever the server's `retryAfterMs` says. */
const MIN_PACE_MS = 10;
const MAX_PACE_MS = 30_000;

/**
 * Holds the requests the server refused as RATE_LIMITED and sends them again under their ids, oldest
 * first, one per `retryAfterMs` the last refusal named: re-sending them all at once would be refused
 * again and could get the connection cut off for going on while refused (4029, LIMIT-7). While any
 * request waits here, new ones wait behind it, so that they neither overtake it nor spend the budget.
 */
export class RatePacer {
  private readonly waiting = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private paceMs = MIN_PACE_MS;

  constructor(
    /** The ids of the requests still unanswered, oldest first. */
    private readonly unanswered: () => Iterable<string>,
    /** Sends the request with this id again (on the current connection, if there is one). */
    private readonly send: (id: string) => void,
  ) {}

  /** Whether requests wait for their turn (a new request then waits too: {@link hold}). */
  get holding(): boolean {
    return this.waiting.size > 0;
  }

  /** The server refused `id` for now: send it again when its turn comes. */
  refused(id: string, retryAfterMs: number): void {
    this.waiting.add(id);
    this.paceMs = Math.min(MAX_PACE_MS, Math.max(MIN_PACE_MS, retryAfterMs));
    this.schedule();
  }

  /** A new request made while others wait: it is sent after them. */
  hold(id: string): void {
    this.waiting.add(id);
  }

  /** `id` was answered (or timed out): it no longer waits. */
  forget(id: string): void {
    this.waiting.delete(id);
  }

  /** Forgets every waiting request (they were all sent again on a new connection, or the client closed). */
  clear(): void {
    this.waiting.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sendNext(), this.paceMs);
  }

  private sendNext(): void {
    this.timer = undefined;
    let next: string | undefined;
    for (const id of this.unanswered()) {
      if (this.waiting.has(id)) {
        next = id;
        break;
      }
    }
    if (next === undefined) return this.waiting.clear();
    this.waiting.delete(next);
    this.send(next);
    if (this.waiting.size > 0) this.schedule();
  }
}
