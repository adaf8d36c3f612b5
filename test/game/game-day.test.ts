import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyState } from '../../src/engine/state.js';
import { seededRng } from '../../src/engine/rng.js';
import { step } from '../../src/engine/step.js';
import { applyWrites } from '../../src/runtime/apply.js';
import { replayJournal } from '../../src/runtime/replay.js';
import type { MutableState } from '../../src/store/store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { stateHash } from '../../src/store/state-json.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';
import { RuntimeDriver, StepDriver } from './support/drivers.js';
import { DAY_START, playGameDay } from './support/game-day.js';

const open: RuntimeDriver[] = [];

afterEach(async () => {
  for (const driver of open.splice(0)) await driver.close();
  removeTempDirs();
});

describe('a whole game day', () => {
  it('through the pure engine (step + applyWrites, timers fired by hand), replayable from its journal', async () => {
    const driver = new StepDriver(DAY_START, 20260616);
    await playGameDay(driver);
    // Re-running every journaled step from the empty state with its clock reading and seed rebuilds it.
    const replayed = emptyState() as unknown as MutableState;
    for (const entry of driver.journal) {
      const result = step(replayed, entry.input, { now: entry.now, rng: seededRng(entry.seed) });
      expect(result.outcome.ok).toBe(true);
      applyWrites(replayed, result.writes);
    }
    expect(stateHash(replayed)).toBe(stateHash(driver.state()));
  });

  it('through a real runtime on a fake clock and a SQLite store, replayable from the stored journal', async () => {
    const driver = new RuntimeDriver(tempDir(), DAY_START);
    open.push(driver);
    await playGameDay(driver);
    const report = replayJournal(driver.store);
    expect(report.refused).toEqual([]);
    expect(report.equal).toBe(true);
    expect(report.replayHash).toBe(stateHash(driver.state()));
    expect(report.liveHash).toBe(stateHash(driver.state()));
  });

  it('[DURABILITY-9] journals the clock reading only as the row time, and a seed only where a step drew', async () => {
    const driver = new RuntimeDriver(tempDir(), DAY_START);
    open.push(driver);
    await playGameDay(driver);
    const inputs = [...driver.store.journal()].map(
      (row) =>
        JSON.parse(row.input) as { command: { type: string }; actor: unknown; now?: number; seed?: string },
    );
    expect(inputs.filter((input) => input.now !== undefined)).toEqual([]);
    const seeded = new Set(inputs.filter((input) => input.seed !== undefined).map((i) => i.command.type));
    // Starting the game draws the catchers (and generation draws offers); adding and moving draw nothing.
    expect(seeded).toContain('game.start');
    for (const type of ['location.send', 'session.add', 'player.add', 'team.add'])
      expect(seeded).not.toContain(type);
    expect(inputs.every((input) => typeof input.actor === 'string')).toBe(true);
    expect(replayJournal(driver.store)).toMatchObject({ equal: true, refused: [] });

    // A row that drew live but has lost its seed is not replayed with other numbers: it is refused.
    await driver.close();
    open.splice(0);
    const db = new Database(driver.store.path);
    const start = db
      .prepare("SELECT seq FROM journal WHERE json_extract(input, '$.command.type') = 'game.start'")
      .pluck()
      .get() as number;
    db.prepare("UPDATE journal SET input = json_remove(input, '$.seed') WHERE seq = ?").run(start);
    db.close();
    const store = SqliteStore.open(dirname(driver.store.path));
    try {
      // The start is refused, and with no game running, so are later game commands.
      const report = replayJournal(store);
      expect(report.equal).toBe(false);
      expect(report.refused[0]).toBe(start);
    } finally {
      store.close();
    }
  });
});
