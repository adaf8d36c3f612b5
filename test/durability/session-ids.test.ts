import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionIds } from '../../src/cluster/id-partition.js';
import { SESSION_ID_BASE } from '../../src/engine/tx.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { fromStateDocument, stateHash, toStateDocument } from '../../src/store/state-json.js';
import { RuntimeDriver } from '../game/support/drivers.js';
import { demoCatalogueState, playerOf, setUpSession } from '../game/support/setup.js';
import { accepted, east, fix, HB } from '../game/support/world.js';
import { zurich } from '../game/support/game-day.js';
import { found } from '../helpers/found.js';
import { removeTempDirs, tempDir } from '../helpers/temp.js';

afterEach(removeTempDirs);

/**
 * A data directory in the per-session id space (CLUSTER-16): one session's game played with shared ids,
 * the switch, then two sessions with teams and a runner's trail. Returns it closed, with its state's hash.
 */
async function partitionedDataDir(): Promise<{ dir: string; hash: string; sessions: number[] }> {
  const dir = tempDir();
  const d = new RuntimeDriver(dir, zurich(9, 0), await demoCatalogueState());
  await setUpSession(d, { name: 'Vorher', teams: 2, perTeam: 1 });
  await partitionIds(d.runtime, 'test', 1);
  const sessions: number[] = [];
  for (const name of ['A', 'B']) {
    const s = await setUpSession(d, { name, teams: 2, perTeam: 1, config: { numCatchers: 1 } });
    accepted(await d.call({ command: { type: 'game.start' }, session: s.session }));
    const runner = found(
      s.teams.find((t) => d.state().tables.team.get(t)?.role === 'Runner'),
      'the runner team',
    );
    for (const metres of [0, 600]) {
      await d.advance(60_000);
      const report = { type: 'location.send', location: fix(east(HB, metres), d.now()) } as const;
      accepted(await d.call({ command: report, session: s.session, as: playerOf(s, runner) }));
    }
    accepted(await d.call({ command: { type: 'game.stop' }, session: s.session }));
    sessions.push(s.session);
  }
  await d.flush();
  const hash = stateHash(d.state());
  expect(d.state().idSpace).toBe('per-session');
  expect(d.state().sessionIds.size).toBeGreaterThan(0);
  await d.close();
  return { dir, hash, sessions };
}

/** Adds a team under a request id no earlier runtime of the data directory answered (IDEMPOTENCY-1). */
const addTeam = (d: RuntimeDriver, session: number) =>
  d.callWithId({ command: { type: 'team.add', name: 'Neu' }, session }, 'after-reopening');

describe('[CLUSTER-16] per-session counters in the store', () => {
  it('[CLUSTER-16] reopening the data directory restores the id space and every counter; replay reaches the same hash', async () => {
    const { dir, hash, sessions } = await partitionedDataDir();
    const store = SqliteStore.open(dir);
    try {
      const loaded = store.load();
      expect(loaded.idSpace).toBe('per-session');
      expect(stateHash(loaded)).toBe(hash);
      for (const s of sessions) expect(loaded.sessionIds.get(`team:${s}`)).toBe(3);
      expect(replayJournal(store)).toMatchObject({ equal: true, refused: [], replayHash: hash });
    } finally {
      store.close();
    }
    // A restarted runtime counts on in each session.
    const d = new RuntimeDriver(dir, zurich(12, 0));
    const a = found(sessions[0], 'session A');
    const team = accepted<{ id: number }>(await addTeam(d, a));
    expect(team.id).toBe(a * SESSION_ID_BASE + 3);
    await d.close();
  });

  it('[CLUSTER-16] export and import keep the id space and the counters', async () => {
    const { dir, hash, sessions } = await partitionedDataDir();
    const store = SqliteStore.open(dir);
    const document = JSON.stringify(toStateDocument(store.load()));
    store.close();
    expect(stateHash(fromStateDocument(JSON.parse(document)))).toBe(hash);
    const copy = tempDir();
    const d = new RuntimeDriver(copy, zurich(12, 0), fromStateDocument(JSON.parse(document)));
    expect(stateHash(d.state())).toBe(hash);
    const b = found(sessions[1], 'session B');
    const team = accepted<{ id: number }>(
      await d.call({ command: { type: 'team.add', name: 'Neu' }, session: b }),
    );
    expect(team.id).toBe(b * SESSION_ID_BASE + 3);
    await d.close();
    const reopened = SqliteStore.open(copy);
    try {
      expect(replayJournal(reopened)).toMatchObject({ equal: true, refused: [] });
    } finally {
      reopened.close();
    }
  });

  it('[CLUSTER-16] a backup keeps the id space and the counters', async () => {
    const { dir, hash } = await partitionedDataDir();
    const d = new RuntimeDriver(dir, zurich(12, 0));
    const backupDir = tempDir();
    await d.runtime.backup(join(backupDir, 'truinlag.db'));
    await d.close();
    const restored = SqliteStore.open(backupDir);
    try {
      expect(stateHash(restored.load())).toBe(hash);
    } finally {
      restored.close();
    }
  });

  it('[CLUSTER-16] a shared state’s document is as before: no id space, no session counters', async () => {
    const d = new RuntimeDriver(tempDir(), zurich(9, 0), await demoCatalogueState());
    await setUpSession(d, { teams: 1, perTeam: 1 });
    const document = toStateDocument(d.state());
    expect(Object.keys(document).sort()).toEqual(['format', 'nextIds', 'tables', 'version']);
    await d.close();
  });
});
