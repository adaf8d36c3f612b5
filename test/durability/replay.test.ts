import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  runCli,
  startTestServer,
  stopTestServers,
} from '../helpers/index.js';

/**
 * `truinlag replay` (DURABILITY-3): the journal rebuilds the live state, and a state that does not match
 * is caught.
 */

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('[DURABILITY-3] truinlag replay', () => {
  it('reports equal hashes beside a running server that keeps writing', async () => {
    const server = await startTestServer();
    const client = await openClient({ url: server.url, token: server.adminToken });
    let stop = false;
    let n = 0;
    let flowing = (): void => {};
    const firstAnswers = new Promise<void>((resolve) => (flowing = resolve));
    const load = (async () => {
      while (!stop) {
        await Promise.all(
          Array.from({ length: 5 }, () => client.request({ type: 'session.add', name: `replayed ${n++}` })),
        );
        flowing();
      }
    })();
    try {
      // The first answers wait for the server's first commit; the built CLI's replay can end before them.
      await firstAnswers;
      for (let run = 0; run < 2; run++) {
        const before = n;
        const result = await runCli(['replay', '--data', server.dataDir, '--json'], { timeoutMs: 60_000 });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ equal: true, refused: [] });
        // The server really was writing while the replay ran.
        expect(n).toBeGreaterThan(before);
      }
    } finally {
      stop = true;
      await load;
    }
  }, 120_000);

  it('exits 1 with REPLAY_MISMATCH when the stored state is not what the journal gives', async () => {
    const server = await startTestServer();
    const client = await openClient({ socket: server.socketPath });
    await client.request({ type: 'session.add', name: 'Original' });
    await server.stop();
    const ok = await runCli(['replay', '--data', server.dataDir, '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ entries: 1, equal: true });

    // Changed behind the engine's back.
    const db = new Database(join(server.dataDir, DATABASE_FILE));
    db.prepare("UPDATE entity SET doc = json_set(doc, '$.name', 'Edited') WHERE kind = 'session'").run();
    db.close();
    const mismatch = await runCli(['replay', '--data', server.dataDir, '--json']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^REPLAY_MISMATCH/);
    const report = JSON.parse(mismatch.stdout) as { equal: boolean; replayHash: string; liveHash: string };
    expect(report.equal).toBe(false);
    expect(report.replayHash).not.toBe(report.liveHash);
  }, 120_000);
});
