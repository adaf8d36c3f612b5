/** How many HTTP uploads the server takes at once, and how fast each must arrive (PICTURE-8, PICTURE-9). */
export interface UploadLimits {
  /** Uploads one login (the admin, or one player with any number of tokens) may have running at once. */
  readonly perLogin: number;
  /** Uploads the whole server takes at once. */
  readonly total: number;
  /** An upload that brings less than {@link MIN_UPLOAD_PROGRESS_BYTES} in this long is cut off (ms). */
  readonly stallMs: number;
  /** The longest an upload's body may take in all (ms). */
  readonly timeLimitMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  perLogin: 4,
  total: 32,
  stallMs: 10_000,
  timeLimitMs: 120_000,
};

/** The least an upload must bring in every `stallMs` (a phone in a weak spot still manages this). */
export const MIN_UPLOAD_PROGRESS_BYTES = 1024;

/** Seconds a refused upload is told to wait before it tries again (`Retry-After`). */
export const UPLOAD_RETRY_AFTER_S = 5;

/** Gives a taken upload slot back (once; later calls do nothing). */
export type ReleaseSlot = () => void;

/**
 * The upload slots (PICTURE-8): a login may hold `perLogin` of them, the server `total`. A slot is held
 * from the first byte of an upload until its answer, so the caps bound the sockets, temporary files and
 * picture jobs that uploads can tie up, whoever sends them.
 */
export class UploadSlots {
  private running = 0;
  private readonly byLogin = new Map<string, number>();

  constructor(private readonly limits: Pick<UploadLimits, 'perLogin' | 'total'>) {}

  /** Takes a slot for `login`, or names the cap that is reached. */
  take(login: string): ReleaseSlot | 'TOO_MANY_UPLOADS' | 'UPLOADS_BUSY' {
    const mine = this.byLogin.get(login) ?? 0;
    if (mine >= this.limits.perLogin) return 'TOO_MANY_UPLOADS';
    if (this.running >= this.limits.total) return 'UPLOADS_BUSY';
    this.running++;
    this.byLogin.set(login, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      const left = (this.byLogin.get(login) ?? 1) - 1;
      if (left === 0) this.byLogin.delete(login);
      else this.byLogin.set(login, left);
    };
  }
}
