/**
 * Cluster bench (`tsx bench/cluster.ts [kills]`, after `npm run build`; needs /usr/sbin/nats-server): in
 * one run, durable commands/s and p99 of one node on SQLite and of one node on a three-server JetStream
 * cluster (8 lanes of `session.add`, each answered only once durable), then the takeover time over a few
 * `kill -9`s of the owner of a two-node cluster (kill → first acknowledged request). Compare the ratio.
 */
import { connect } from '../src/client/node.js';
import type { TruinlagClient } from '../src/client/client.js';
import { spawnServer, killSpawnedServers } from '../test/helpers/server.js';
import { removeTempDirs, tempDir } from '../test/helpers/temp.js';
import {
  clusterClient,
  clusterDataDirs,
  killNodes,
  owner,
  startNode,
  type NodeProcess,
} from '../test/cluster/support/cluster-nodes.js';
import { startNatsCluster } from '../test/cluster/support/nats-cluster.js';

const LOAD_MS = 5_000;
const LANES = 8;

interface LoadResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

process.env.TRUINLAG_TEST_DIST = '1';

/** Sends `session.add` from `LANES` lanes for `LOAD_MS`; commands/s and p50/p99 latency (ms). */
async function durableLoad(client: TruinlagClient, prefix: string): Promise<LoadResult> {
  const latencies: number[] = [];
  const end = Date.now() + LOAD_MS;
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      for (let n = 0; Date.now() < end; n++) {
        const started = performance.now();
        await client.request({ type: 'session.add', name: `${prefix}-${lane}-${n}` });
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    Number((latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(2));
  return { perSecond: Math.round((latencies.length * 1000) / LOAD_MS), p50: at(0.5), p99: at(0.99) };
}

async function sqliteNode(): Promise<LoadResult> {
  const server = await spawnServer(tempDir());
  const client = connect({ url: server.url, token: server.adminToken });
  await client.ready;
  const result = await durableLoad(client, 'sqlite');
  client.close();
  await killSpawnedServers();
  return result;
}

async function jetStreamNode(natsUrls: string): Promise<LoadResult> {
  const { dirs, adminToken } = clusterDataDirs(1);
  const nodes = [await startNode('bench-1', dirs[0] as string, natsUrls)];
  await owner(nodes);
  const client = clusterClient(nodes, { token: adminToken });
  await client.ready;
  const result = await durableLoad(client, 'jetstream');
  client.close();
  await killNodes(nodes);
  return result;
}

/** Kills the owner of a two-node cluster `kills` times (restarting it as a standby): ms until served again. */
async function takeovers(natsUrls: string, kills: number): Promise<number[]> {
  const { dirs, adminToken } = clusterDataDirs(2);
  const nodes: NodeProcess[] = await Promise.all(
    dirs.map((dir, i) => startNode(`take-${i + 1}`, dir, natsUrls)),
  );
  const times: number[] = [];
  for (let kill = 0; kill < kills; kill++) {
    const current = await owner(nodes);
    current.signal('SIGKILL');
    const killedAt = Date.now();
    const next = await owner(
      nodes.filter((n) => n !== current),
      30_000,
    );
    // A fresh client of the new owner: the first acknowledged request after the kill.
    const client = connect({ url: next.url, token: adminToken });
    await client.request({ type: 'session.add', name: `after-${kill}` });
    times.push(Date.now() - killedAt);
    client.close();
    nodes[nodes.indexOf(current)] = await startNode(current.name, current.dataDir, natsUrls);
  }
  await killNodes(nodes);
  return times;
}

const kills = Number(process.argv[2] ?? 5);
const nats = await startNatsCluster();
try {
  const sqlite = await sqliteNode();
  process.stderr.write(`1 node on SQLite: ${JSON.stringify(sqlite)}\n`);
  const jetstream = await jetStreamNode(nats.urls);
  process.stderr.write(`1 node on JetStream: ${JSON.stringify(jetstream)}\n`);
  const takeoverMs = await takeovers(nats.urls, kills);
  const ratio = Number((jetstream.perSecond / Math.max(1, sqlite.perSecond)).toFixed(3));
  console.log(JSON.stringify({ sqlite, jetstream, jetstreamToSqlite: ratio, takeoverMs }, null, 2));
} finally {
  await nats.stop();
  removeTempDirs();
}
