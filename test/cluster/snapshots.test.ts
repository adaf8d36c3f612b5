import Database from 'better-sqlite3';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { BatchLog, type LogBounds } from '../../src/cluster/batch-log.js';
import { POSITION_KEY } from '../../src/cluster/snapshot-file.js';
import { SnapshotStore, type StoredSnapshot } from '../../src/cluster/snapshot-store.js';
import { DATABASE_FILE } from '../../src/store/data-dir.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { clusterDataDirs, owner, startNode, TEST_LEASE_MS, urlClient } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { notExactlyOnce, SessionLoad } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();

/** A snapshot every 10 log entries, so that a few dozen requests make several and trim the log. */
const SNAPSHOTS = { TRUINLAG_SNAPSHOT_EVERY: '10' };
const PASSPHRASE = 'orbit-lantern-pebble';

/** The batch log's bounds and the snapshots in the bucket, as a NATS client sees them. */
async function clusterView(urls: string): Promise<{ bounds: LogBounds; snapshots: StoredSnapshot[] }> {
  const nc = await connect({ servers: urls.split(',') });
  try {
    const js = jetstream(nc);
    const bounds = await new BatchLog(js, await jetstreamManager(nc)).bounds();
    return { bounds, snapshots: await (await SnapshotStore.open(js, 3)).list() };
  } finally {
    await nc.close();
  }
}

/** The log position a node's store holds, read beside the running node (WAL: readers do not block). */
function storedPosition(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return Number(db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(POSITION_KEY) ?? 0);
  } finally {
    db.close();
  }
}

describe('shared snapshots and a trimmed log', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-8] a node started empty after the log was trimmed loads the newest snapshot, replays the rest and takes over with all data', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const { dirs, adminToken } = clusterDataDirs(2);
    const [firstDir, emptyDir] = dirs as [string, string];
    const first = await startNode('node-a', firstDir, urls, SNAPSHOTS);
    run.nodes.push(first);
    await owner([first]);

    const options = { token: adminToken, clientId: 'snapshot-client' };
    const client = urlClient([first.url], options);
    run.clients.push(client);
    const kept = await client.request({ type: 'session.add', name: 'made first' }, { id: 'first-add' });
    await client.request({ type: 'player.add', name: 'Pia', passphrase: PASSPHRASE, session: kept.id });
    const load = new SessionLoad(client, 'before', 2);
    // Trimmed well past the first entries: the answer to `first-add` now lives only in snapshots.
    await waitFor(
      async () => (await clusterView(urls)).bounds.first > 40,
      60_000,
      'the log trimmed past sequence 40',
      200,
    );
    await load.stop();
    const view = await clusterView(urls);
    expect(view.snapshots.length).toBeLessThanOrEqual(2);
    expect(view.bounds.first - 1).toBe(view.snapshots.at(-1)?.position);

    const fresh = await startNode('node-b', emptyDir, urls, { ...SNAPSHOTS, TRUINLAG_LOG_LEVEL: 'info' });
    run.nodes.push(fresh);
    const { last } = (await clusterView(urls)).bounds;
    await waitFor(() => storedPosition(emptyDir) >= last, 30_000, 'the new node caught up', 100).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n${fresh.output().slice(0, 3_000)}`);
      },
    );
    expect(fresh.output()).toMatch(/"msg":"snapshot downloaded"/);

    first.signal('SIGKILL');
    await owner([fresh], TEST_LEASE_MS * 10);
    const after = urlClient([fresh.url], options);
    run.clients.push(after);
    // Re-sent under its id, the first request is answered from the snapshot's answers, not run again.
    const again = await after.request({ type: 'session.add', name: 'made first' }, { id: 'first-add' });
    expect(again.id).toBe(kept.id);
    expect(await notExactlyOnce(after, ['made first', ...load.acknowledged])).toEqual([]);
    const { players } = await after.request({ type: 'state.get' });
    expect(players.map((p) => p.name)).toEqual(['Pia']);
    const login = await after.request({ type: 'auth.login', passphrase: PASSPHRASE });
    expect(login).toBeDefined();
  });

  it('[CLUSTER-8] a standby killed and left down while the log was trimmed past it loads a snapshot over its old store', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const { dirs, adminToken } = clusterDataDirs(2);
    const [ownerDir, standbyDir] = dirs as [string, string];
    const first = await startNode('node-a', ownerDir, urls, SNAPSHOTS);
    run.nodes.push(first);
    await owner([first]);
    const client = urlClient([first.url], { token: adminToken });
    run.clients.push(client);
    const standby = await startNode('node-b', standbyDir, urls, SNAPSHOTS);
    run.nodes.push(standby);
    const early = new SessionLoad(client, 'early', 2);
    await waitFor(() => early.acknowledged.length >= 20, 30_000, '20 early requests');
    await early.stop();
    const { last } = (await clusterView(urls)).bounds;
    await waitFor(() => storedPosition(standbyDir) >= last, 30_000, 'the standby caught up', 100);
    // Killed: its store keeps what it applied, part of it perhaps only in its WAL.
    standby.signal('SIGKILL');
    await standby.exited;
    const behind = storedPosition(standbyDir);

    const late = new SessionLoad(client, 'late', 2);
    await waitFor(
      async () => (await clusterView(urls)).bounds.first > behind + 20,
      60_000,
      'the log trimmed past the stopped standby',
      200,
    );
    await late.stop();
    const again = await startNode('node-b', standbyDir, urls, { ...SNAPSHOTS, TRUINLAG_LOG_LEVEL: 'info' });
    run.nodes.push(again);
    const current = (await clusterView(urls)).bounds.last;
    await waitFor(
      () => storedPosition(standbyDir) >= current,
      30_000,
      'the restarted standby caught up',
      100,
    );
    expect(again.output()).toMatch(/"msg":"snapshot downloaded"/);

    first.signal('SIGKILL');
    await owner([again], TEST_LEASE_MS * 10);
    const after = urlClient([again.url], { token: adminToken });
    run.clients.push(after);
    expect(await notExactlyOnce(after, [...early.acknowledged, ...late.acknowledged])).toEqual([]);
  });
});
