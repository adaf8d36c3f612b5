import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { removeTempDirs, tempDir } from '../helpers/temp.js';
import { RuntimeDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { demoCatalogueState, playerOf, setUpSession } from '../game/support/setup.js';
import { accepted, fix, HB, north, teamOf, type TeamView } from '../game/support/world.js';

const MINUTE = 60_000;
const open: RuntimeDriver[] = [];

afterEach(async () => {
  for (const driver of open.splice(0)) await driver.close();
  removeTempDirs();
});

/** Kept answers in the store (IDEMPOTENCY-1). */
function keptAnswers(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM answered').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('location reports and kept answers', () => {
  it('[IDEMPOTENCY-5] [LOCATION-8] a report keeps no answer: sent again, it is not newer than itself and not taken twice', async () => {
    const dataDir = tempDir();
    const d = new RuntimeDriver(dataDir, zurich(9, 30), await demoCatalogueState());
    open.push(d);
    const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
    const started = accepted<{ teams: TeamView[] }>(
      await d.call({ command: { type: 'game.start' }, session: s.session }),
    );
    const runner = started.teams.find((t) => t.role === 'Runner') as TeamView;
    const player = playerOf(s, runner.id);
    const send = (location: ReturnType<typeof fix>, id: string) =>
      d.callWithId({ command: { type: 'location.send', location }, session: s.session, as: player }, id);

    const here = fix(HB, d.now());
    const answersBefore = keptAnswers(dataDir);
    expect(accepted(await send(here, 'loc-1'))).toEqual({ accepted: true });
    await d.advance(2 * MINUTE);
    expect(accepted(await send(fix(north(HB, 500), d.now()), 'loc-2'))).toEqual({ accepted: true });
    const moved = teamOf(d.state(), runner.id).location;
    // The first report again, minutes later (its answer was lost): run again, it is not taken.
    expect(accepted(await send(here, 'loc-1'))).toEqual({ accepted: false, reason: 'not-newer' });
    expect(teamOf(d.state(), runner.id).location).toEqual(moved);
    // An older fix of the same phone under a new id is not taken either.
    const older = fix(north(HB, 900), d.now() - 30_000);
    expect(accepted(await send(older, 'loc-3'))).toEqual({ accepted: false, reason: 'not-newer' });
    expect(teamOf(d.state(), runner.id).location).toEqual(moved);
    expect(keptAnswers(dataDir)).toBe(answersBefore);
  });
});
