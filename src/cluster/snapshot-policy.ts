/** When the owner takes a snapshot, and how many it keeps (CLUSTER-8). */
export interface SnapshotSettings {
  /** A snapshot is due once this many log entries were appended since the last one. */
  readonly everyEntries: number;
  /** … or once this long has passed since the last one, if anything was appended at all (ms). */
  readonly everyMs: number;
}

/** Snapshots kept in the bucket: the newest, and one before it in case the newest cannot be read. */
export const KEPT_SNAPSHOTS = 2;

const DEFAULT_EVERY_ENTRIES = 10_000;
const DEFAULT_EVERY_MS = 15 * 60_000;

/** The settings from `TRUINLAG_SNAPSHOT_EVERY` (entries) and `TRUINLAG_SNAPSHOT_MS`. */
export function resolveSnapshotSettings(env: NodeJS.ProcessEnv = process.env): SnapshotSettings {
  const everyEntries = Number(env.TRUINLAG_SNAPSHOT_EVERY ?? DEFAULT_EVERY_ENTRIES);
  const everyMs = Number(env.TRUINLAG_SNAPSHOT_MS ?? DEFAULT_EVERY_MS);
  if (!Number.isInteger(everyEntries) || everyEntries < 1)
    throw new Error('TRUINLAG_SNAPSHOT_EVERY must be a whole number of log entries, at least 1.');
  if (!Number.isInteger(everyMs) || everyMs < 1_000)
    throw new Error('TRUINLAG_SNAPSHOT_MS must be at least 1000.');
  return { everyEntries, everyMs };
}

/** The last snapshot taken (or found in the bucket): its log position and when. */
export interface LastSnapshot {
  readonly position: number;
  readonly at: number;
}

/** Whether a snapshot of a store at `position` is due: enough new entries, or enough time and any. */
export function snapshotDue(
  position: number,
  last: LastSnapshot,
  now: number,
  settings: SnapshotSettings,
): boolean {
  const entries = position - last.position;
  return entries >= settings.everyEntries || (entries > 0 && now - last.at >= settings.everyMs);
}

/** A snapshot in the bucket, by the log position its copy holds. */
export interface SnapshotRef {
  readonly name: string;
  readonly position: number;
}

/**
 * Which snapshots stay and which go: the newest KEPT_SNAPSHOTS stay; the log may be trimmed through the
 * oldest one kept (`trimThrough`, 0 for none): every node can then still start from either kept snapshot
 * and replay the rest.
 */
export function keptSnapshots<T extends SnapshotRef>(
  snapshots: readonly T[],
): { kept: T[]; dropped: T[]; trimThrough: number } {
  const newestFirst = [...snapshots].sort((a, b) => b.position - a.position);
  const kept = newestFirst.slice(0, KEPT_SNAPSHOTS);
  return {
    kept,
    dropped: newestFirst.slice(KEPT_SNAPSHOTS),
    trimThrough: kept.at(-1)?.position ?? 0,
  };
}

/**
 * Whether a store at `position` must load a snapshot before it can follow the log: the entries right after
 * it were trimmed (the log now starts at `firstSequence`). An empty stream reports first sequence 0.
 */
export function needsSnapshot(position: number, firstSequence: number): boolean {
  return position + 1 < firstSequence;
}
