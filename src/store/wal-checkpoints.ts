/**
 * When the commit writer's thread checkpoints the WAL. SQLite's automatic checkpoint runs inside the
 * commit that takes the WAL past its limit, so that commit's answers waited for it (about 11 ms per 1000
 * pages, which set the p99 of durable commands). The thread turns it off and checkpoints here instead:
 * only between transactions, after their answers are posted, preferably while nothing is queued, and
 * in small steps, so that commits queued behind a checkpoint wait little. It is PASSIVE: it never waits
 * for readers. Frames are counted at each checkpoint (SQLite reports the WAL's length); between two, the
 * schedule estimates them from the bytes of rows committed, at the frames per byte measured last time.
 */
export interface CheckpointPolicy {
  /** Frames after which a checkpoint runs when the thread has nothing queued. */
  readonly idleFrames: number;
  /** Frames after which a checkpoint runs even with commits queued (bounds the WAL under steady load). */
  readonly busyFrames: number;
}

/** Measured on the bench: small enough that a checkpoint takes a few ms, large enough to be rare. */
export const CHECKPOINT_POLICY: CheckpointPolicy = { idleFrames: 200, busyFrames: 1000 };

/** What one checkpoint found: the WAL's frames, and how many of them are now in the database file. */
export interface CheckpointResult {
  readonly log: number;
  readonly checkpointed: number;
}

/** WAL frames (4 KiB pages) per byte of rows before the first checkpoint has measured it: rows, indexes. */
const FIRST_GUESS_FRAMES_PER_BYTE = 2 / 4096;

export class CheckpointSchedule {
  private bytesSince = 0;
  private framesPerByte = FIRST_GUESS_FRAMES_PER_BYTE;
  /** Checkpoints run, and the time they took (ms): reported beside the commits' own. */
  readonly stats = { checkpoints: 0, ms: 0 };

  constructor(
    private readonly checkpoint: () => CheckpointResult,
    private readonly policy: CheckpointPolicy = CHECKPOINT_POLICY,
  ) {}

  /** A transaction of `bytes` of rows (their JSON text) committed; its answers are posted. */
  committed(bytes: number): void {
    this.bytesSince += bytes;
  }

  /** Runs a checkpoint when one is due; `idle` says that nothing is queued for the thread now. */
  maybeRun(idle: boolean): void {
    const frames = this.bytesSince * this.framesPerByte;
    if (frames < (idle ? this.policy.idleFrames : this.policy.busyFrames)) return;
    const started = performance.now();
    const { log } = this.checkpoint();
    this.stats.checkpoints++;
    this.stats.ms += performance.now() - started;
    // The WAL restarts once fully checkpointed: `log` frames were written by the commits since the last.
    if (log > 0 && this.bytesSince > 0) this.framesPerByte = log / this.bytesSince;
    this.bytesSince = 0;
  }
}
