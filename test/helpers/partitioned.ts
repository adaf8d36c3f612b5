import Database from 'better-sqlite3';
import { join } from 'node:path';
import { partitionIds } from '../../src/cluster/id-partition.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * A server whose store hands out `nextSession` as its next session id, switched to per-session ids
 * (CLUSTER-16) before it serves, as a cluster's owner switches it: ids near the top of the range without
 * adding two million sessions first.
 */
export async function startPartitionedServer(nextSession: number): Promise<TestServer> {
  const first = await startTestServer();
  await first.stop();
  const db = new Database(join(first.dataDir, DATABASE_FILE));
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('nextId:session', ?)").run(
    String(nextSession),
  );
  db.close();
  return startTestServer({
    dataDir: first.dataDir,
    beforeServing: (runtime) => partitionIds(runtime, 'test', 1),
  });
}
