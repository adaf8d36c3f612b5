import { describe, expect, it } from 'vitest';
import {
  keptSnapshots,
  needsSnapshot,
  resolveSnapshotSettings,
  snapshotDue,
} from '../../src/cluster/snapshot-policy.js';

const settings = { everyEntries: 100, everyMs: 60_000 };
const snapshot = (position: number) => ({ name: `engine.${position}`, position });

describe('when snapshots are taken and which are kept (CLUSTER-8)', () => {
  it('is due after enough entries, or after enough time if anything was appended at all', () => {
    const last = { position: 500, at: 1_000 };
    expect(snapshotDue(599, last, 2_000, settings)).toBe(false);
    expect(snapshotDue(600, last, 2_000, settings)).toBe(true);
    expect(snapshotDue(501, last, 61_000, settings)).toBe(true);
    expect(snapshotDue(501, last, 60_999, settings)).toBe(false);
    expect(snapshotDue(500, last, 1_000_000, settings)).toBe(false);
  });

  it('keeps the two newest by position and trims the log through the older of them', () => {
    const { kept, dropped, trimThrough } = keptSnapshots([
      snapshot(40),
      snapshot(90),
      snapshot(10),
      snapshot(70),
    ]);
    expect(kept.map((s) => s.position)).toEqual([90, 70]);
    expect(dropped.map((s) => s.position)).toEqual([40, 10]);
    expect(trimThrough).toBe(70);
    expect(keptSnapshots([snapshot(5)])).toEqual({ kept: [snapshot(5)], dropped: [], trimThrough: 5 });
    expect(keptSnapshots([]).trimThrough).toBe(0);
  });

  it('loads a snapshot only when the entries right after the position are gone from the log', () => {
    expect(needsSnapshot(0, 0)).toBe(false); // a log that never held anything
    expect(needsSnapshot(0, 1)).toBe(false);
    expect(needsSnapshot(0, 2)).toBe(true);
    expect(needsSnapshot(70, 71)).toBe(false);
    expect(needsSnapshot(69, 71)).toBe(true);
    expect(needsSnapshot(120, 71)).toBe(false);
  });

  it('reads its settings from the environment and refuses nonsense', () => {
    expect(resolveSnapshotSettings({})).toEqual({ everyEntries: 10_000, everyMs: 900_000 });
    const env = { TRUINLAG_SNAPSHOT_EVERY: '20', TRUINLAG_SNAPSHOT_MS: '5000' };
    expect(resolveSnapshotSettings(env)).toEqual({ everyEntries: 20, everyMs: 5_000 });
    expect(() => resolveSnapshotSettings({ TRUINLAG_SNAPSHOT_EVERY: '0' })).toThrow(/SNAPSHOT_EVERY/);
    expect(() => resolveSnapshotSettings({ TRUINLAG_SNAPSHOT_MS: '10' })).toThrow(/SNAPSHOT_MS/);
  });
});
