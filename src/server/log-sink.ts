import { write, writeSync } from 'node:fs';

/**
 * Bytes of log lines that may wait for the disk: beyond this, new lines are dropped, so a log that
 * cannot keep up costs bounded memory.
 */
const MAX_PENDING_BYTES = 1024 * 1024;

let droppedLines = 0;

/**
 * How many log lines were dropped since the process started: their write failed (a full disk, a closed
 * or full pipe) or too much was already waiting. For metrics: logging never stops the server instead.
 */
export function droppedLogLines(): number {
  return droppedLines;
}

/**
 * A log destination that never blocks the loop and never stops it (LOG-1). pino's synchronous
 * destination retried a failed write inside `Atomics.wait` on the loop thread for ever: with stderr on a
 * full disk nothing answered again. Here each batch of lines is written asynchronously (one write in
 * flight at a time, lines queue behind it up to a bound); a write that fails is not retried: its lines
 * are dropped and counted.
 */
export class LogSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing = false;

  constructor(private readonly fd: number) {}

  /** Queues one line (pino calls this with each serialised record). */
  write(line: string): void {
    const bytes = Buffer.from(line);
    if (this.pendingBytes + bytes.length > MAX_PENDING_BYTES) {
      droppedLines++;
      return;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (!this.writing) this.writeNext();
  }

  /**
   * Writes what waits, synchronously and once (at exit, when asynchronous writes no longer run). Skipped
   * while a write is still out: the descriptor is then stuck, and waiting on it would block the exit.
   */
  flushSync(): void {
    if (this.writing || this.pending.length === 0) return;
    const lines = this.pending.length;
    const bytes = this.take();
    try {
      writeSync(this.fd, bytes);
    } catch {
      droppedLines += lines;
    }
  }

  private writeNext(): void {
    const lines = this.pending.length;
    const bytes = this.take();
    this.writing = true;
    write(this.fd, bytes, 0, bytes.length, null, (error, written) => {
      this.writing = false;
      if (error !== null || written === 0) droppedLines += lines;
      else if (written < bytes.length) this.requeue(bytes.subarray(written));
      if (this.pending.length > 0) this.writeNext();
    });
  }

  private take(): Buffer {
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return bytes;
  }

  /** The unwritten rest of a short write goes first, ahead of lines queued meanwhile. */
  private requeue(rest: Buffer): void {
    this.pending.unshift(rest);
    this.pendingBytes += rest.length;
  }
}

let stderr: LogSink | undefined;

/** The process's one sink on stderr (shared by every server in the process), flushed at exit. */
export function stderrSink(): LogSink {
  if (stderr === undefined) {
    const sink = new LogSink(2);
    process.once('exit', () => sink.flushSync());
    stderr = sink;
  }
  return stderr;
}
