/**
 * Cluster bench (`tsx bench/cluster.ts [kills] [engine|parts]`, after `npm run build`; needs
 * /usr/sbin/nats-server): in one run, durable commands/s and p50/p99 of one node on SQLite, of one node on a
 * three-server JetStream cluster, and of three nodes on it with the clients spread over all three (so two
 * thirds relayed) — 8 lanes of `session.add`, each answered only once durable; and three nodes with every
 * client on the owner, which tells the standbys' cost from the relay's — then the takeover time over
 * `kills` (default 20) `kill -9`s of the owner of a three-node cluster (kill → first acknowledged request
 * on the new owner). Then the same for per-session ownership (bench/cluster-parts.ts): `team.add` in a
 * session per lane on SQLite, on one parts node and on three (most requests forwarded), and the takeover
 * of a killed node's sessions. Naming `engine` or `parts` runs only that group. Compare the ratios, not
 * the numbers: the machine's load moves them (the load average is printed beside them).
 */
import { connect } from '../src/client/node.js';
import type { TruinlagClient } from '../src/client/client.js';
import { spawnServer, killSpawnedServers } from '../test/helpers/server.js';
import { removeTempDirs, tempDir } from '../test/helpers/temp.js';
import {
  clientStartingOn,
  clusterDataDirs,
  killNodes,
  owner,
  standbyReady,
  startNode,
  type NodeProcess,
} from '../test/cluster/support/cluster-nodes.js';
import { startNatsCluster } from '../test/cluster/support/nats-cluster.js';
import { distribution, loadAverage, ratio, timedLanes, type LoadResult } from './cluster-load.js';
import { partsTakeovers, partsTeams, sqliteTeams } from './cluster-parts.js';

/**
 * The data directory whose secrets every case's nodes get: the cases share one NATS cluster, which refuses
 * nodes with other secrets than its first one's (CLUSTER-13).
 */
const installation = clusterDataDirs(1).dirs[0];

process.env.TRUINLAG_TEST_DIST = '1';

/** `session.add` from `LANES` lanes, the lanes spread over `clients` in turn. */
function durableLoad(clients: readonly TruinlagClient[], prefix: string): Promise<LoadResult> {
  return timedLanes((lane, n) =>
    (clients[lane % clients.length] as TruinlagClient).request({
      type: 'session.add',
      name: `${prefix}-${lane}-${n}`,
    }),
  );
}

async function sqliteNode(): Promise<LoadResult> {
  const server = await spawnServer(tempDir());
  const client = connect({ url: server.url, token: server.adminToken });
  await client.ready;
  const result = await durableLoad([client], 'sqlite');
  client.close();
  await killSpawnedServers();
  return result;
}

/**
 * `count` nodes on the JetStream cluster, one client starting on each (every node's URL in its list):
 * with more than one node, the clients of the standbys are relayed to the owner. `onOwner` starts them
 * all on the owner instead: what the standbys' following of the log costs, without relaying.
 */
async function jetStreamNodes(natsUrls: string, count: number, onOwner = false): Promise<LoadResult> {
  const { dirs, adminToken } = clusterDataDirs(count, installation);
  // One log for every case: names unique across them (a node replays the earlier cases' sessions).
  const label = `jetstream-${count}${onOwner ? '-on-owner' : ''}`;
  const nodes = await Promise.all(dirs.map((dir, i) => startNode(`${label}-${i + 1}`, dir, natsUrls)));
  const first = await owner(nodes);
  await Promise.all(nodes.filter((n) => n !== first).map((n) => standbyReady(n, first)));
  const urls = nodes.map((n) => n.url);
  const clients = urls.map((url) => clientStartingOn(onOwner ? first.url : url, urls, { token: adminToken }));
  await Promise.all(clients.map((c) => c.ready));
  const result = await durableLoad(clients, label);
  for (const client of clients) client.close();
  await killNodes(nodes);
  return result;
}

/**
 * Kills the owner of a three-node cluster `kills` times (restarting it as a standby each time): ms from
 * the kill until a fresh client of the new owner had a durable request acknowledged.
 */
async function takeovers(natsUrls: string, kills: number): Promise<number[]> {
  const { dirs, adminToken } = clusterDataDirs(3, installation);
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
    const client = connect({ url: next.url, token: adminToken });
    await client.request({ type: 'session.add', name: `after-${kill}` });
    times.push(Date.now() - killedAt);
    client.close();
    process.stderr.write(`kill ${kill + 1}: ${times.at(-1)} ms\n`);
    nodes[nodes.indexOf(current)] = await startNode(current.name, current.dataDir, natsUrls);
  }
  await killNodes(nodes);
  return times;
}

/** The cases of one engine lease, on one NATS cluster shared by them all. */
async function engineCases(kills: number): Promise<Record<string, unknown>> {
  const nats = await startNatsCluster();
  try {
    const sqlite = await sqliteNode();
    process.stderr.write(`1 node on SQLite: ${JSON.stringify(sqlite)}\n`);
    const jetstream = await jetStreamNodes(nats.urls, 1);
    process.stderr.write(`1 node on JetStream: ${JSON.stringify(jetstream)}\n`);
    const threeNodes = await jetStreamNodes(nats.urls, 3);
    process.stderr.write(`3 nodes on JetStream: ${JSON.stringify(threeNodes)}\n`);
    const threeNodesOnOwner = await jetStreamNodes(nats.urls, 3, true);
    process.stderr.write(
      `3 nodes on JetStream, clients on the owner: ${JSON.stringify(threeNodesOnOwner)}\n`,
    );
    const loadAfterLoads = loadAverage();
    const takeoverMs = await takeovers(nats.urls, kills);
    return {
      sqlite,
      jetstream,
      threeNodes,
      threeNodesOnOwner,
      ratios: {
        jetstreamToSqlite: ratio(jetstream, sqlite),
        threeNodesToSqlite: ratio(threeNodes, sqlite),
        threeNodesToJetstream: ratio(threeNodes, jetstream),
        threeNodesOnOwnerToJetstream: ratio(threeNodesOnOwner, jetstream),
      },
      takeoverMs,
      takeover: distribution(takeoverMs),
      loadAfterLoads,
    };
  } finally {
    await nats.stop();
  }
}

/** The cases of per-session ownership (bench/cluster-parts.ts), each parts case on its own NATS cluster. */
async function partsCases(kills: number): Promise<Record<string, unknown>> {
  const sqlite = await sqliteTeams();
  process.stderr.write(`team.add, 1 node on SQLite: ${JSON.stringify(sqlite)}\n`);
  const oneNode = await partsTeams(1);
  process.stderr.write(`team.add, 1 parts node: ${JSON.stringify(oneNode)}\n`);
  const threeNodes = await partsTeams(3);
  process.stderr.write(`team.add, 3 parts nodes, clients spread: ${JSON.stringify(threeNodes)}\n`);
  const loadAfterLoads = loadAverage();
  const takeovers = await partsTakeovers(kills);
  return {
    sqlite,
    oneNode,
    threeNodes,
    ratios: {
      oneNodeToSqlite: ratio(oneNode, sqlite),
      threeNodesToSqlite: ratio(threeNodes, sqlite),
      threeNodesToOneNode: ratio(threeNodes, oneNode),
    },
    takeoverMsPerKill: takeovers.perKill,
    takeover: distribution(takeovers.perKill.flat()),
    notServedThroughASurvivor: takeovers.notServed,
    loadAfterLoads,
  };
}

const kills = Number(process.argv[2] ?? 20);
/** Which cases run: both groups unless `engine` or `parts` is named. */
const only = process.argv[3];
try {
  const loadAtStart = loadAverage();
  const engine = only === 'parts' ? undefined : await engineCases(kills);
  const loadAfterEngine = loadAverage();
  const parts = only === 'engine' ? undefined : await partsCases(kills);
  const report = {
    engine,
    parts,
    loadAverage: { start: loadAtStart, afterEngine: loadAfterEngine, end: loadAverage() },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  removeTempDirs();
}
