import type { Worker } from 'node:worker_threads';
import { startThread } from './thread-module.js';

/**
 * When and where the WAL is checkpointed. SQLite's automatic checkpoint runs inside the commit that takes
 * the WAL past its limit, so that commit's answers waited for it (about 11 ms per 1000 pages, which set
 * the p99 of durable commands). The commit writer's thread turns it off and schedules checkpoints here
 * instead, after its transactions and their answers. A checkpoint runs beside the commits, on a thread
 * and connection of its own (checkpoint-thread.ts): run between transactions, each one held up the
 * commits queued behind it (measured on the bench: about 60 a second of 2 ms at 50 clients). It is
 * PASSIVE: it never waits for readers or the writer. Frames are counted at each checkpoint (SQLite
 * reports the WAL's length); between two, the schedule estimates them from the bytes of rows committed,
 * at the frames per byte measured last time.
 */
export interface CheckpointPolicy {
  /** Frames committed after which a checkpoint starts. */
  readonly frames: number;
  /**
   * A WAL this long (the last count, plus the frames estimated since) has not restarted: a checkpoint
   * beside steady commits copies only what was committed when it began, and SQLite restarts the WAL only
   * once all of it is copied. The next checkpoint then runs between transactions, where nothing is
   * committed meanwhile (the only checkpoints that commits wait for).
   */
  readonly restartFrames: number;
}

/** Measured on the bench: small enough that a checkpoint takes a few ms, large enough to be rare. */
export const CHECKPOINT_POLICY: CheckpointPolicy = { frames: 200, restartFrames: 1000 };

/**
 * The WAL file's size once it restarts (the commit thread's `journal_size_limit`). Commits never wait for
 * a checkpoint, so while one beside them is slow (its fsync waiting for a busy disk) the WAL grows; SQLite
 * keeps a WAL file at its largest size unless told otherwise, so one slow moment would hold that disk
 * space until the server stops. Four times the WAL's usual length (`restartFrames` pages of 4 KiB), so
 * that an ordinary restart never shrinks a file that grows back at once.
 */
export const WAL_SIZE_LIMIT_BYTES = 4 * CHECKPOINT_POLICY.restartFrames * 4096;

/** What one checkpoint found: the WAL's frames, and how many of them are now in the database file. */
export interface CheckpointResult {
  readonly log: number;
  readonly checkpointed: number;
}

/** Where checkpoints run: here, between transactions, or beside them (reporting to `finished`). */
export interface CheckpointRunner {
  here(): CheckpointResult;
  /** Starts one beside the commits; false if the checkpointer is not ready (still starting, or gone). */
  beside(): boolean;
}

/** WAL frames (4 KiB pages) per byte of rows before the first checkpoint has measured it: rows, indexes. */
const FIRST_GUESS_FRAMES_PER_BYTE = 2 / 4096;

export class CheckpointSchedule {
  /** Bytes of rows committed since the last checkpoint started. */
  private bytesSince = 0;
  private framesPerByte = FIRST_GUESS_FRAMES_PER_BYTE;
  /** The WAL's frames as estimated now: from the last count, plus the bytes committed since. */
  private walFrames = 0;
  /** What the last checkpoint found, and the bytes committed in the interval before it started. */
  private last = { log: 0, bytes: 0 };
  /** The last checkpoint ran here and copied all: the WAL restarted at the next commit. */
  private restarted = true;
  private running = false;
  /** Checkpoints run, and the time they took (ms): reported beside the commits' own. */
  readonly stats = { checkpoints: 0, ms: 0 };

  constructor(
    private readonly runner: CheckpointRunner,
    private readonly policy: CheckpointPolicy = CHECKPOINT_POLICY,
  ) {}

  /** A transaction of `bytes` of rows (their JSON text) committed; its answers are posted. */
  committed(bytes: number): void {
    this.bytesSince += bytes;
    this.walFrames += bytes * this.framesPerByte;
  }

  /**
   * Starts a checkpoint when one is due and none is running: beside the commits, or between transactions
   * where the WAL has grown past `restartFrames` without restarting (or the checkpointer is not ready).
   */
  maybeRun(): void {
    if (this.running) return;
    if (this.bytesSince * this.framesPerByte < this.policy.frames) return;
    const bytes = this.bytesSince;
    this.bytesSince = 0;
    if (this.walFrames < this.policy.restartFrames && this.runner.beside()) {
      this.running = true;
      this.last = { ...this.last, bytes };
      return;
    }
    const started = performance.now();
    const result = this.runner.here();
    this.count(result, bytes, performance.now() - started);
    // Nothing was committed meanwhile: if it copied all, the next commit restarts the WAL.
    this.restarted = result.checkpointed === result.log;
    this.walFrames = this.restarted ? 0 : result.log;
  }

  /** The checkpoint beside the commits ended after `ms`: with its result, or failed (undefined). */
  finished(result: CheckpointResult | undefined, ms: number): void {
    this.running = false;
    if (result === undefined) return;
    this.count(result, this.last.bytes, ms);
    this.restarted = false;
    // Commits went on beside it: the WAL has what it found, and what they wrote since it began.
    this.walFrames = result.log + this.bytesSince * this.framesPerByte;
  }

  /**
   * Counts a checkpoint and learns frames per byte from the frames written since the last one (where the
   * WAL restarted at an unknown point meanwhile, which only a checkpoint beside the commits allows, the
   * count says nothing and is not learnt from).
   */
  private count(result: CheckpointResult, bytes: number, ms: number): void {
    this.stats.checkpoints++;
    this.stats.ms += ms;
    const written = this.restarted ? result.log : result.log - this.last.log;
    if (written > 0 && bytes > 0) this.framesPerByte = written / bytes;
    this.last = { log: result.log, bytes: 0 };
  }
}

/** The checkpointer thread's start data, requests and replies. */
export interface CheckpointThreadData {
  readonly databasePath: string;
  readonly busyTimeoutMs: number;
}
export type CheckpointRequest = 'checkpoint' | 'close';
/** `ready` once its connection is open; then one reply per checkpoint. */
export type CheckpointReply =
  'ready' | (CheckpointResult & { readonly ms: number }) | { readonly error: string };

/**
 * The checkpointer (checkpoint-thread.ts), as the commit thread holds it: `start` asks for a checkpoint,
 * `done` hears how it went. If the thread fails, every later checkpoint runs between transactions.
 */
export class CheckpointThread {
  private worker: Worker | undefined;
  /** Its connection is open: until then (loading the thread takes a while) checkpoints run here. */
  private ready = false;

  constructor(
    data: CheckpointThreadData,
    private readonly done: (result: CheckpointResult | undefined, ms: number) => void,
  ) {
    const worker = startThread(import.meta.url, 'checkpoint-thread', { workerData: data });
    worker.on('message', (reply: CheckpointReply) => {
      if (reply === 'ready') this.ready = true;
      else if ('error' in reply) this.done(undefined, 0);
      else this.done(reply, reply.ms);
    });
    worker.on('error', () => this.stop());
    worker.on('exit', () => this.stop());
    this.worker = worker;
  }

  /** Asks for a checkpoint; false if the thread is not ready (still starting, or gone). */
  start(): boolean {
    if (!this.ready) return false;
    this.worker?.postMessage('checkpoint' satisfies CheckpointRequest);
    return true;
  }

  /** Lets the thread finish what it runs, close its connection and end. */
  close(): void {
    this.worker?.postMessage('close' satisfies CheckpointRequest);
  }

  private stop(): void {
    if (this.worker === undefined) return;
    this.worker = undefined;
    this.ready = false;
    // A checkpoint it was running will not report: the schedule may start the next one.
    this.done(undefined, 0);
  }
}
