/**
 * Snapshot bench (`tsx bench/cluster-snapshots.ts [entries]`, after `npm run build`; needs
 * /usr/sbin/nats-server): an owner on a three-server JetStream cluster gets `session.add` load until the
 * batch log holds about `entries` entries (default 5000). Then, on the same data: a node with an empty data
 * directory replays the whole log from sequence 1 (timed from its spawn until its store holds the log's
 * last position); the owner takes its first snapshot (its size and the time of the copy and the upload, from
 * its log) and trims the log; another empty node loads that snapshot and replays the rest (timed the same).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { BATCH_STREAM, BatchLog } from '../src/cluster/batch-log.js';
import { POSITION_KEY } from '../src/cluster/snapshot-file.js';
import { DATABASE_FILE } from '../src/store/data-dir.js';
import {
  clusterDataDirs,
  killNodes,
  owner,
  startNode,
  urlClient,
  type NodeProcess,
} from '../test/cluster/support/cluster-nodes.js';
import { SessionLoad } from '../test/cluster/support/load.js';
import { startNatsCluster } from '../test/cluster/support/nats-cluster.js';
import { removeTempDirs } from '../test/helpers/temp.js';
import { waitFor } from '../test/helpers/wait.js';

process.env.TRUINLAG_TEST_DIST = '1';
const ENTRIES = Number(process.argv[2] ?? 5_000);

function storedPosition(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return Number(db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(POSITION_KEY) ?? 0);
  } finally {
    db.close();
  }
}

/** Spawns a node on an empty data directory; ms from the spawn until its store holds position `last`. */
async function timeToCurrent(name: string, dir: string, urls: string, last: number): Promise<number> {
  const started = performance.now();
  const node = await startNode(name, dir, urls, { TRUINLAG_LOG_LEVEL: 'info' });
  nodes.push(node);
  await waitFor(() => storedPosition(dir) >= last, 600_000, `${name} current`, 20);
  return performance.now() - started;
}

const nodes: NodeProcess[] = [];
const nats = await startNatsCluster();
try {
  const { dirs, adminToken } = clusterDataDirs(3);
  const [ownerDir, replayDir, snapshotDir] = dirs as [string, string, string];
  // The first snapshot is due at ENTRIES entries: the load stops just before, the replay runs on that.
  const first = await startNode('owner', ownerDir, nats.urls, {
    TRUINLAG_SNAPSHOT_EVERY: String(ENTRIES),
    TRUINLAG_LOG_LEVEL: 'info',
  });
  nodes.push(first);
  await owner([first]);
  const client = urlClient([first.url], { token: adminToken });
  const nc = await connect({ servers: nats.urls.split(',') });
  const jsm = await jetstreamManager(nc);
  const log = new BatchLog(jetstream(nc), jsm);
  let load = new SessionLoad(client, 'a', 8);
  await waitFor(async () => (await log.lastSequence()) >= ENTRIES - 100, 600_000, 'the log filled', 200);
  await load.stop();
  const replayed = await log.bounds();
  const logBytes = (await jsm.streams.info(BATCH_STREAM)).state.bytes;
  const replayMs = await timeToCurrent('replay', replayDir, nats.urls, replayed.last);

  load = new SessionLoad(client, 'b', 2);
  await waitFor(async () => (await log.bounds()).first > 1, 600_000, 'the first snapshot and trim', 200);
  await load.stop();
  const trimmed = await log.bounds();
  const snapshotMs = await timeToCurrent('from-snapshot', snapshotDir, nats.urls, trimmed.last);
  const stored = /"msg":"snapshot stored"/.exec(first.output()) === null ? undefined : first.output();
  const line = (text: string | undefined, msg: string): string =>
    text?.split('\n').find((l) => l.includes(`"msg":"${msg}"`)) ?? '(none)';
  console.log(
    `log of ${replayed.last} entries (${(logBytes / 1e6).toFixed(1)} MB), replayed from 1 by an empty node: ` +
      `${replayMs.toFixed(0)} ms`,
  );
  console.log(`owner: ${line(stored, 'snapshot stored')}`);
  console.log(
    `log trimmed to ${trimmed.first}..${trimmed.last}; an empty node from the snapshot: ${snapshotMs.toFixed(0)} ms`,
  );
  console.log(`new node: ${line(nodes.at(-1)?.output(), 'snapshot downloaded')}`);
  client.close();
  await nc.close();
} finally {
  await killNodes(nodes);
  await nats.stop();
  removeTempDirs();
}
