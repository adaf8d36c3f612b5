/**
 * The cluster bench's cases for per-session ownership (`--ownership parts`, CLUSTER-22), run by
 * bench/cluster.ts in the same run as the engine-lease cases: durable `team.add` in one session per lane
 * on one node on SQLite, one parts node and three parts nodes (clients spread, so most requests are
 * forwarded to the session's holder); and the takeover time of a killed node's sessions.
 */
import type { TruinlagClient } from '../src/client/client.js';
import { TruinlagError } from '../src/client/errors.js';
import { connect } from '../src/client/node.js';
import { killSpawnedServers, spawnServer } from '../test/helpers/server.js';
import { tempDir } from '../test/helpers/temp.js';
import { waitFor } from '../test/helpers/wait.js';
import {
  clientStartingOn,
  clusterDataDirs,
  killNodes,
  TEST_LEASE_MS,
  urlClient,
  type NodeProcess,
} from '../test/cluster/support/cluster-nodes.js';
import { startNatsCluster, type NatsCluster } from '../test/cluster/support/nats-cluster.js';
import { heldParts, holders, startPartsNode, withOutputs } from '../test/cluster/support/parts.js';
import { LANES, timedLanes, type LoadResult } from './cluster-load.js';

/** Sessions of the takeover cluster: about three per node, so each kill moves a few. */
const TAKEOVER_SESSIONS = 9;
/** The takeover loaders' pause between requests: the resolution of the measured times. */
const PAUSE_MS = 20;

const sessionPart = (session: number): string => `session:${session}`;

/**
 * A team name for the n-th request of a session: `t<n>`. Two of them differ in a digit or in length, so
 * no two are similar enough for TEAM-1 to refuse one (up to five digits).
 */
const teamName = (n: number): string => `t${n}`;

/** `count` new sessions, added through `admin`: their ids. */
async function addSessions(admin: TruinlagClient, count: number, prefix: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++)
    ids.push((await admin.request({ type: 'session.add', name: `${prefix} ${i}` })).id);
  return ids;
}

/** One node on SQLite (the embedded server): `LANES` lanes of `team.add`, each in its own session. */
export async function sqliteTeams(): Promise<LoadResult> {
  const server = await spawnServer(tempDir());
  const client = connect({ url: server.url, token: server.adminToken });
  await client.ready;
  const sessions = await addSessions(client, LANES, 'sqlite');
  const result = await timedLanes((lane, n) =>
    client.request({ type: 'team.add', name: teamName(n) }, { session: sessions[lane] }),
  );
  client.close();
  await killSpawnedServers();
  return result;
}

/** A fresh three-server NATS cluster and `count` parts nodes on it, once the global part has a holder. */
async function partsCluster(
  count: number,
  label: string,
): Promise<{ nats: NatsCluster; nodes: NodeProcess[]; adminToken: string }> {
  const nats = await startNatsCluster();
  const { dirs, adminToken } = clusterDataDirs(count);
  const nodes = await Promise.all(dirs.map((dir, i) => startPartsNode(`${label}-${i + 1}`, dir, nats.urls)));
  await holders(nodes, ['global']);
  return { nats, nodes, adminToken };
}

export interface PartsLoadResult extends LoadResult {
  /** How many of the lanes' sessions each node held. */
  readonly sessionsPerNode: number[];
  /** Lanes whose client started on another node than their session's holder. */
  readonly forwardedLanes: number;
}

/**
 * `count` parts nodes (each case on its own NATS cluster: a node replays the whole log, and the parts of
 * an earlier case's sessions would be claimed again), `LANES` sessions, one client starting on each node;
 * lane i sends `team.add` in session i over client i mod `count`.
 */
export async function partsTeams(count: number): Promise<PartsLoadResult> {
  const { nats, nodes, adminToken } = await partsCluster(count, `parts-${count}`);
  try {
    const urls = nodes.map((n) => n.url);
    const clients = urls.map((url) => clientStartingOn(url, urls, { token: adminToken }));
    await Promise.all(clients.map((c) => c.ready));
    const sessions = await addSessions(clients[0] as TruinlagClient, LANES, `parts-${count}`);
    const held = await holders(nodes, sessions.map(sessionPart));
    const holderOf = (lane: number): NodeProcess =>
      held.get(sessionPart(sessions[lane] as number)) as NodeProcess;
    const result = await timedLanes((lane, n) =>
      (clients[lane % count] as TruinlagClient).request(
        { type: 'team.add', name: teamName(n) },
        { session: sessions[lane] },
      ),
    );
    for (const client of clients) client.close();
    return {
      ...result,
      sessionsPerNode: nodes.map((node) => sessions.filter((_, lane) => holderOf(lane) === node).length),
      forwardedLanes: sessions.filter((_, lane) => holderOf(lane) !== nodes[lane % count]).length,
    };
  } finally {
    await killNodes(nodes);
    await nats.stop();
  }
}

/**
 * `team.add` in one session, one at a time with a pause, over a client of one node, until stopped. A
 * request the node refuses as OWNER_UNAVAILABLE (its holder changing) is followed by the next one.
 * `next` numbers the session's names across loaders.
 */
class SessionLoader {
  private readonly acks: { sentAt: number; ackedAt: number }[] = [];
  private running = true;
  private readonly lane: Promise<void>;

  constructor(
    private readonly client: TruinlagClient,
    readonly session: number,
    private readonly next: () => number,
  ) {
    this.lane = this.run();
  }

  get acknowledged(): number {
    return this.acks.length;
  }

  /** When the first request sent at or after `at` was acknowledged (undefined while none is). */
  servedAfter(at: number): number | undefined {
    return this.acks.find((a) => a.sentAt >= at)?.ackedAt;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.lane;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const sentAt = Date.now();
      try {
        await this.client.request(
          { type: 'team.add', name: teamName(this.next()) },
          { session: this.session },
        );
        this.acks.push({ sentAt, ackedAt: Date.now() });
      } catch (error) {
        if (!(error instanceof TruinlagError) || error.code !== 'OWNER_UNAVAILABLE') throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
}

export interface PartsTakeovers {
  /** Per kill, per moved session: ms from the kill to its first acknowledged request sent after it. */
  readonly perKill: number[][];
  /**
   * Moved sessions a surviving node's client was not served in, within `LATE_MS` of the session's first
   * acknowledged request through the other survivor (`kill n: via <node>, session <id>`).
   */
  readonly notServed: string[];
}

/**
 * How long after a moved session's first acknowledged request the other survivor's loader may take to be
 * served too, before it counts as not served.
 */
const LATE_MS = 5_000;

/**
 * Three parts nodes, `TAKEOVER_SESSIONS` sessions. `kills` times: a node holding sessions (each time the
 * next in turn that holds one) is killed with SIGKILL while each of its sessions has a loader on a client
 * of each surviving node, and is restarted with its data directory once each of its sessions was served
 * again; the next kill waits until it holds its parts again. A session's time is its first acknowledged
 * request (sent after the kill) through either survivor; a survivor's loader that is not served at all is
 * reported apart.
 */
export async function partsTakeovers(kills: number): Promise<PartsTakeovers> {
  const { nats, nodes, adminToken } = await partsCluster(3, 'parts-take');
  const admin = urlClient(
    nodes.map((n) => n.url),
    { token: adminToken, broadcasts: false },
  );
  try {
    const sessions = await addSessions(admin, TAKEOVER_SESSIONS, 'take');
    const parts = sessions.map(sessionPart);
    const counters = new Map(sessions.map((s) => [s, 0]));
    const next = (session: number) => (): number => {
      const n = counters.get(session) as number;
      counters.set(session, n + 1);
      return n;
    };
    const perKill: number[][] = [];
    const notServed: string[] = [];
    for (let kill = 1; kill <= kills; kill++) {
      const held = await holders(nodes, parts);
      const victim = [0, 1, 2]
        .map((i) => nodes[(kill + i) % 3] as NodeProcess)
        .find((node) => parts.some((p) => held.get(p) === node)) as NodeProcess;
      const moved = sessions.filter((s) => held.get(sessionPart(s)) === victim);
      const loaders = nodes
        .filter((n) => n !== victim)
        .flatMap((via) => {
          const client = urlClient([via.url], { token: adminToken, broadcasts: false });
          return moved.map((session) => ({
            via,
            client,
            loader: new SessionLoader(client, session, next(session)),
          }));
        });
      await waitFor(
        () => loaders.every((l) => l.loader.acknowledged >= 3),
        30_000,
        'three requests acknowledged through each survivor in each session before the kill',
      ).catch(withOutputs(nodes));
      victim.signal('SIGKILL');
      const killedAt = Date.now();
      const firstServed = (session: number): number | undefined =>
        loaders
          .filter((l) => l.loader.session === session)
          .map((l) => l.loader.servedAfter(killedAt))
          .reduce((a, b) => (a === undefined ? b : b === undefined ? a : Math.min(a, b)), undefined);
      const served = await waitFor(
        () => {
          const at = moved.map(firstServed);
          return at.every((t) => t !== undefined) ? at.map((t) => t - killedAt) : undefined;
        },
        TEST_LEASE_MS * 15,
        'every moved session served after the kill',
      ).catch(withOutputs(nodes));
      await waitFor(
        () => loaders.every((l) => l.loader.servedAfter(killedAt) !== undefined),
        killedAt + Math.max(...served) + LATE_MS - Date.now(),
        'every survivor served',
      ).catch(() => undefined);
      for (const { via, loader } of loaders)
        if (loader.servedAfter(killedAt) === undefined)
          notServed.push(`kill ${kill}: via ${via.name}, session ${loader.session}`);
      perKill.push(served);
      process.stderr.write(
        `parts kill ${kill} (${victim.name}, sessions ${moved.join(' ')}): ${served.join(', ')} ms; not served: ${notServed.filter((n) => n.startsWith(`kill ${kill}:`)).length}\n`,
      );
      await Promise.all(loaders.map((l) => l.loader.stop()));
      for (const { client } of loaders) client.close();
      await victim.exited;
      const restarted = await startPartsNode(victim.name, victim.dataDir, nats.urls);
      nodes[nodes.indexOf(victim)] = restarted;
      // Rendezvous ranks the same nodes first for the same parts: it gets its sessions back by hand-over.
      await waitFor(
        () => moved.every((s) => heldParts(restarted).has(sessionPart(s))),
        TEST_LEASE_MS * 15,
        `${victim.name} holding its sessions again`,
      ).catch(withOutputs(nodes));
    }
    return { perKill, notServed };
  } finally {
    admin.close();
    await killNodes(nodes);
    await nats.stop();
  }
}
