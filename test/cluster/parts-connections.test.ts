import { describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/client.js';
import { found } from '../helpers/found.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { clusterDataDirs, urlClient, type NodeProcess } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { startNatsCluster } from './support/nats-cluster.js';
import { holders, startPartsNode } from './support/parts.js';

const run = clusterRunPerTest();

/** Three parts nodes on a NATS cluster (messages of at most `maxPayload`), once one holds the global part. */
async function partsCluster(maxPayload?: number): Promise<{ nodes: NodeProcess[]; adminToken: string }> {
  run.nats = await startNatsCluster(3, maxPayload);
  const { dirs, adminToken } = clusterDataDirs(3);
  run.nodes = await Promise.all(
    dirs.map((dir, i) => startPartsNode(`node-${i + 1}`, dir, (run.nats as { urls: string }).urls)),
  );
  await holders(run.nodes, ['global'], 60_000);
  return { nodes: run.nodes, adminToken };
}

/** An admin connected to `node` alone, once welcomed; its connection id. */
async function adminOn(node: NodeProcess, token: string): Promise<{ client: TruinlagClient; id: string }> {
  const client = run.keep(urlClient([node.url], { token, clientId: `admin-on-${node.name}` }));
  await client.ready;
  return { client, id: client.welcome?.connection as string };
}

/**
 * `asking`'s board once it names every one of `nodes`: a node is asked once the asking node's leases have
 * seen it live (CLUSTER-24), a tick after it started, which can be after the global part is held.
 */
function boardNaming(asking: TruinlagClient, nodes: readonly NodeProcess[]) {
  return waitFor(
    async () => {
      const board = await asking.request({ type: 'admin.connections' });
      const named = new Set(board.connections.map((c) => c.via));
      return nodes.every((node) => named.has(node.name)) ? board : undefined;
    },
    10_000,
    `a board naming ${nodes.map((node) => node.name).join(', ')}`,
  );
}

describe(
  'the connection board of a cluster whose parts are owned apart',
  { timeout: CHILD_PROCESS_TEST_MS },
  () => {
    it('[CLUSTER-24] lists the connections of every node, each with the node it is connected to; a frozen node is left out within the deadline', async () => {
      const { nodes, adminToken } = await partsCluster();
      const admins = await Promise.all(nodes.map((node) => adminOn(node, adminToken)));
      const asking = found(admins[0], 'the admin on node 1');
      const guest = run.keep(urlClient([(nodes[2] as NodeProcess).url], { clientId: 'guest-on-node-3' }));
      await guest.ready;
      const guestId = guest.welcome?.connection as string;
      await boardNaming(asking.client, nodes);

      const askedAll = Date.now();
      const board = await asking.client.request({ type: 'admin.connections' });
      console.info(`admin.connections over three nodes answered in ${Date.now() - askedAll} ms`);
      const viaOf = (id: string): string | undefined => board.connections.find((c) => c.id === id)?.via;
      admins.forEach(({ id }, i) => expect(viaOf(id)).toBe(`node-${i + 1}`));
      expect(viaOf(guestId)).toBe('node-3');
      expect(board.connections.every((c) => c.via !== undefined)).toBe(true);

      // An ending on another node is on the merged ring of ended connections, with its node.
      guest.close();
      const ended = await waitFor(
        async () => {
          const { ended } = await asking.client.request({ type: 'admin.connections' });
          return ended.find((c) => c.id === guestId);
        },
        10_000,
        'the guest’s ending on the board',
      );
      expect(ended).toMatchObject({ via: 'node-3', by: 'client', reason: 'closed-by-client' });

      const frozen = nodes[2] as NodeProcess;
      frozen.signal('SIGSTOP');
      try {
        const asked = Date.now();
        const { connections } = await asking.client.request({ type: 'admin.connections' });
        const tookMs = Date.now() - asked;
        console.info(`admin.connections with a frozen node answered in ${tookMs} ms`);
        expect(tookMs).toBeLessThan(2_500);
        expect(connections.map((c) => c.via).sort()).toEqual(['node-1', 'node-2']);
        expect(connections.map((c) => c.id).sort()).toEqual([admins[0]?.id, admins[1]?.id].sort());
        // Logged at warn (pino writes asynchronously: the line may come a moment after the answer).
        await waitFor(
          () => (nodes[0] as NodeProcess).output().includes('nodes did not tell their connections in time'),
          5_000,
          'the node leaving the frozen one out logged',
        );
      } finally {
        frozen.signal('SIGCONT');
      }
    });

    it('[CLUSTER-24] an admin on node 1 is noticed of a connection on node 2 and of an ending on node 3, with a newer version, and reads each on the board', async () => {
      const { nodes, adminToken } = await partsCluster();
      const [first, second, third] = nodes as [NodeProcess, NodeProcess, NodeProcess];
      const staying = run.keep(urlClient([second.url], { clientId: 'guest-staying-node-2' }));
      const leaving = run.keep(urlClient([third.url], { clientId: 'guest-leaving-node-3' }));
      await Promise.all([staying.ready, leaving.ready]);
      const leavingId = leaving.welcome?.connection as string;
      const asking = await adminOn(first, adminToken);
      await boardNaming(asking.client, nodes);
      const notices: number[] = [];
      asking.client.onNotice((n) => {
        if (n.notice === 'connections') notices.push(found(n.version, 'its version'));
      });
      /** The board once no node's change is still on its way (its version the same over 1.5 s). */
      const quiet = () =>
        waitFor(
          async () => {
            const before = await asking.client.request({ type: 'admin.connections' });
            await new Promise((resolve) => setTimeout(resolve, 1_500));
            const after = await asking.client.request({ type: 'admin.connections' });
            return after.version === before.version ? after : undefined;
          },
          20_000,
          'a quiet board',
        );
      /** The first notice from now on of a version newer than `shown`, then the board read after it. */
      const noticed = async (shown: number, what: string) => {
        const from = notices.length;
        const started = Date.now();
        const version = await waitFor(() => notices.slice(from).find((v) => v > shown), 10_000, what);
        console.info(`${what} came after ${Date.now() - started} ms`);
        const board = await asking.client.request({ type: 'admin.connections' });
        expect(board.version).toBeGreaterThanOrEqual(version);
        return board;
      };

      // Node 1's own board does not move below: every notice it sends now is of another node's change.
      const before = await quiet();
      const arriving = run.keep(urlClient([second.url], { clientId: 'guest-arriving-node-2' }));
      const arrived = noticed(before.version, 'a notice of node 2’s new connection');
      await arriving.ready;
      const arrivingId = arriving.welcome?.connection as string;
      const withArrival = await arrived;
      const own = (board: typeof before) => board.connections.filter((c) => c.via === first.name);
      expect(own(withArrival).map((c) => c.id)).toEqual([asking.id]);
      // Read after the notice, which node 2 sent once the connection opened: it is on the board.
      expect(withArrival.connections.find((c) => c.id === arrivingId)?.via).toBe(second.name);

      const settled = await quiet();
      leaving.close();
      const withEnding = await noticed(settled.version, 'a notice of the ending on node 3');
      expect(withEnding.ended.find((c) => c.id === leavingId)).toMatchObject({
        via: third.name,
        by: 'client',
        reason: 'closed-by-client',
      });
      expect(withEnding.connections.some((c) => c.id === leavingId)).toBe(false);
    });

    it('[CLUSTER-24] a board larger than one NATS message comes whole, in pieces', async () => {
      // NATS servers that carry at most 8 KiB a message; node 2's ring of ended connections is larger.
      const { nodes, adminToken } = await partsCluster(8 * 1024);
      const [first, second] = nodes as [NodeProcess, NodeProcess];
      const endedIds: string[] = [];
      for (let i = 0; i < 40; i++) {
        const guest = urlClient([second.url], { clientId: `guest-${i}-${'x'.repeat(40)}` });
        await guest.ready;
        endedIds.push(guest.welcome?.connection as string);
        guest.close();
      }
      const asking = await adminOn(first, adminToken);
      const board = await waitFor(
        async () => {
          const board = await asking.client.request({ type: 'admin.connections' });
          return endedIds.every((id) => board.ended.some((c) => c.id === id && c.via === second.name))
            ? board
            : undefined;
        },
        10_000,
        'node 2’s ended connections on node 1’s board',
      );
      expect(JSON.stringify(board.ended.filter((c) => c.via === second.name)).length).toBeGreaterThan(
        8 * 1024,
      );
    });
  },
);
