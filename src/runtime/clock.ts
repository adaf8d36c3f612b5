/** The runtime's view of time, injected so tests can drive timers by hand. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A clock that moves only when told to; due callbacks run in due order on `advance`. */
export class FakeClock implements Clock {
  private current: number;
  private nextHandle = 1;
  private readonly pending = new Map<number, { due: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 5, 13, 7, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.nextHandle++;
    this.pending.set(handle, { due: this.current + Math.max(0, ms), callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward, running each callback that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = [...this.pending.entries()].sort((a, b) => a[1].due - b[1].due || a[0] - b[0])[0];
      if (next === undefined || next[1].due > target) break;
      this.pending.delete(next[0]);
      this.current = Math.max(this.current, next[1].due);
      next[1].callback();
    }
    this.current = target;
  }

  set(time: number): void {
    this.advance(Math.max(0, time - this.current));
  }
}
