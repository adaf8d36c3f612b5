import { describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/client.js';
import { settle } from '../auth/support.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { found } from '../helpers/found.js';
import { waitFor } from '../helpers/wait.js';
import { clusterDataDirs, TEST_LEASE_MS, urlClient, type NodeProcess } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { journaledTeams, watchedSessions } from './support/watched.js';
import { notOnceIn, streamGaps } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';
import {
  heldParts,
  holders,
  outputsOf,
  partEntries,
  partWriterProblems,
  startPartsNode,
  LOAD_PAUSE_MS,
  teamLoads,
  teamNames,
  withOutputs,
} from './support/parts.js';

const SESSIONS = 20;
/** What the issue asks: every session served again within this long after a kill. */
const SERVED_AGAIN_MS = 10_000;

const run = clusterRunPerTest();

const kept = run.keep;

const sessionPartOf = (session: number): string => `session:${session}`;

/** A NATS cluster and `size` parts nodes on it, once one of them holds the global part. */
async function partsCluster(
  size: number,
  env: Record<string, string> = {},
): Promise<{ natsUrls: string; adminToken: string; urls: string[] }> {
  run.nats = await startNatsCluster();
  const natsUrls = run.nats.urls;
  const { dirs, adminToken } = clusterDataDirs(size);
  run.nodes = await Promise.all(dirs.map((dir, i) => startPartsNode(`node-${i + 1}`, dir, natsUrls, env)));
  await holders(run.nodes, ['global'], 60_000);
  return { natsUrls, adminToken, urls: run.nodes.map((n) => n.url) };
}

/** Adds `count` sessions named `<prefix><n>`; their ids. */
async function addSessions(admin: TruinlagClient, count: number, prefix: string): Promise<number[]> {
  const sessions: number[] = [];
  for (let i = 0; i < count; i++)
    sessions.push((await admin.request({ type: 'session.add', name: `${prefix}${i}` })).id);
  return sessions;
}

describe('sessions owned apart, over three nodes', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-22] spreads twenty sessions over three nodes; a kill moves only the killed node’s sessions, each served again within 10 s; nothing acknowledged is lost or doubled, clients resume with no gap, timers fire, and no part ever had two writers', async () => {
    const { natsUrls, adminToken, urls } = await partsCluster(3);
    const admin = kept(urlClient(urls, { token: adminToken, clientId: 'setup-admin', broadcasts: false }));
    const watched = await watchedSessions(urls, adminToken, admin, {
      count: SESSIONS,
      pauseMs: LOAD_PAUSE_MS,
      keep: kept,
    });
    const loads = watched.map((w) => w.load);
    const parts = watched.map((w) => sessionPartOf(w.session));

    const before = await holders(run.nodes, parts);
    const spread = run.nodes.map((n) => parts.filter((p) => before.get(p) === n).length);
    console.info(`sessions per node: ${JSON.stringify(spread)}`);
    expect(spread.filter((count) => count > 0).length).toBe(3);

    await waitFor(
      () => loads.every((l) => l.acks.length >= 5),
      30_000,
      'five requests acknowledged in every session',
    );
    // The node holding the most sessions is killed.
    const victim = run.nodes.reduce((a, b) => (heldParts(b).size > heldParts(a).size ? b : a));
    const moved = parts.filter((p) => before.get(p) === victim);
    const stayed = parts.filter((p) => before.get(p) !== victim);
    expect(moved.length).toBeGreaterThan(1);
    const due = Date.now() + 5_000;
    await Promise.all(
      watched.map((w) =>
        admin.request(
          { type: 'announcement.schedule', text: 'after the kill', at: due },
          { session: w.session },
        ),
      ),
    );
    victim.signal('SIGKILL');
    const killedAt = Date.now();
    const alive = run.nodes.filter((n) => n !== victim);

    const after = await holders(alive, parts, SERVED_AGAIN_MS * 3);
    // Only the killed node's sessions moved (a move of another would follow a lost lease: see the outputs).
    const movedToo = stayed.filter((part) => after.get(part) !== before.get(part));
    if (movedToo.length > 0) console.error(outputsOf(run.nodes));
    expect(movedToo).toEqual([]);
    const served = await waitFor(
      () => {
        const at = loads.map((l) => l.servedAfter(killedAt));
        return at.every((t) => t !== undefined) ? at.map((t) => t - killedAt) : undefined;
      },
      SERVED_AGAIN_MS * 3,
      'every session served after the kill',
    );
    console.info(`served again after the kill (ms, per session): ${JSON.stringify(served)}`);
    expect(Math.max(...served)).toBeLessThan(SERVED_AGAIN_MS);
    await waitFor(
      () =>
        watched.every((w) =>
          w.seen.some((b) => b.event.type === 'announcement' && b.event.text === 'after the kill'),
        ),
      SERVED_AGAIN_MS * 2,
      'the announcements due after the kill',
    );
    await Promise.all(loads.map((l) => l.stop()));
    await settle(admin, [], 'stopped');

    for (const { session, load, seen } of watched) {
      const acked = load.acks.map((a) => a.name);
      expect(notOnceIn(acked, await teamNames(admin, session))).toEqual([]);
      expect(streamGaps(seen, session)).toEqual([]);
      const announced = seen.flatMap((b) => (b.event.type === 'team.changed' ? [b.event.team.name] : []));
      expect(notOnceIn(acked, announced)).toEqual([]);
      const fired = seen.flatMap((b) => (b.event.type === 'announcement' ? [b.event.text] : []));
      expect(notOnceIn(['after the kill'], fired)).toEqual([]);
    }
    expect(partWriterProblems(await partEntries(natsUrls))).toEqual([]);

    // Every surviving node's copy journaled each acknowledged request exactly once.
    for (const node of alive) {
      node.signal('SIGTERM');
      await node.exited;
      for (const { session, load } of watched)
        expect(
          notOnceIn(
            load.acks.map((a) => a.name),
            journaledTeams(node.dataDir, session),
          ),
        ).toEqual([]);
    }
  });

  it('[CLUSTER-22] a node frozen past its leases loses them, cannot append when thawed, gets its parts back by hand-over, and no part ever had two writers', async () => {
    const { natsUrls, adminToken, urls } = await partsCluster(3);
    const setUp = kept(urlClient(urls, { token: adminToken, clientId: 'freeze-setup', broadcasts: false }));
    const sessions = await addSessions(setUp, 6, 'S');
    const parts = sessions.map(sessionPartOf);
    const before = await holders(run.nodes, parts);
    // The node holding the first session is frozen; every client talks to the two others.
    const frozen = before.get(parts[0] as string) as NodeProcess;
    const frozenParts = parts.filter((p) => before.get(p) === frozen);
    const others = run.nodes.filter((n) => n !== frozen);
    const otherUrls = others.map((n) => n.url);
    const admin = kept(
      urlClient(otherUrls, { token: adminToken, clientId: 'freeze-admin', broadcasts: false }),
    );
    const loads = teamLoads(kept, { urls: otherUrls, token: adminToken, sessions, tag: 'f' });
    await waitFor(
      () => loads.every((l) => l.acks.length >= 3),
      30_000,
      'requests acknowledged in every session',
    );

    frozen.signal('SIGSTOP');
    const frozenAt = Date.now();
    await holders(others, parts, TEST_LEASE_MS * 10);
    await waitFor(
      () => loads.every((l) => l.servedAfter(frozenAt) !== undefined),
      SERVED_AGAIN_MS * 3,
      'every session served while the node is frozen',
    );
    frozen.signal('SIGCONT');
    // Thawed, it finds every part it held lost (it never renews an old term), and steps none of them.
    await waitFor(
      () => frozenParts.every((p) => frozen.output().includes(`lost: lost ${p}`)),
      TEST_LEASE_MS * 10,
      'the thawed node reporting its parts lost',
    );
    // Its parts come back to it by hand-over (it ranks first for them), and the loads go on.
    await waitFor(
      async () => {
        const now = await holders(run.nodes, parts);
        return frozenParts.every((p) => now.get(p) === frozen);
      },
      TEST_LEASE_MS * 15,
      'the thawed node holding its parts again',
    );
    const thawedAt = Date.now();
    await waitFor(
      () => loads.every((l) => l.servedAfter(thawedAt) !== undefined),
      SERVED_AGAIN_MS * 3,
      'every session served after the hand-back',
    );
    await Promise.all(loads.map((l) => l.stop()));

    const problems = partWriterProblems(await partEntries(natsUrls));
    const notOnce: string[] = [];
    for (const load of loads)
      for (const name of notOnceIn(
        load.acks.map((a) => a.name),
        await teamNames(admin, load.session),
      ))
        notOnce.push(`session ${load.session}: ${name}`);
    // What each node printed, for a failure that a loaded machine's timing brings about.
    if (problems.length + notOnce.length > 0) console.error(outputsOf(run.nodes));
    expect({ problems, notOnce }).toEqual({ problems: [], notOnce: [] });
  });

  it('[CLUSTER-22] loses nothing acknowledged and goes on serving in every session when a NATS server dies under load', async () => {
    const { adminToken, urls } = await partsCluster(3);
    const nats = found(run.nats, 'the NATS cluster');
    const admin = kept(
      urlClient(urls, { token: adminToken, clientId: 'nats-down-admin', broadcasts: false }),
    );
    const sessions = await addSessions(admin, 6, 'N');
    await holders(run.nodes, sessions.map(sessionPartOf));
    const loads = teamLoads(kept, { urls, token: adminToken, sessions, tag: 'n' });
    await waitFor(
      () => loads.every((l) => l.acks.length >= 5),
      30_000,
      'requests acknowledged in every session',
    );
    await nats.servers[0]?.stop('SIGKILL');
    const stoppedAt = Date.now();
    // The stream's leader may have been on the dead server: an election and the reconnects come first.
    await waitFor(
      () => loads.every((l) => l.acks.filter((a) => a.sentAt >= stoppedAt).length >= 5),
      45_000,
      `every session served after the stop (${loads.map((l) => l.refused.length).join(',')} refused)`,
    ).catch(withOutputs(run.nodes));
    await Promise.all(loads.map((l) => l.stop()));
    for (const load of loads) {
      expect(
        notOnceIn(
          load.acks.map((a) => a.name),
          await teamNames(admin, load.session).catch(withOutputs(run.nodes)),
        ),
      ).toEqual([]);
    }
    expect(
      partWriterProblems(
        await partEntries(
          nats.servers
            .slice(1)
            .map((s) => s.url)
            .join(','),
        ),
      ),
    ).toEqual([]);
  });

  it('[CLUSTER-22] every NATS server down for several leases, then back: every node starts over until it can, serves every session again, and nothing acknowledged is lost', async () => {
    const { natsUrls, adminToken, urls } = await partsCluster(3);
    const nats = found(run.nats, 'the NATS cluster');
    const admin = kept(urlClient(urls, { token: adminToken, clientId: 'outage-admin', broadcasts: false }));
    const sessions = await addSessions(admin, 6, 'O');
    await holders(run.nodes, sessions.map(sessionPartOf));
    const loads = teamLoads(kept, { urls, token: adminToken, sessions, tag: 'o' });
    await waitFor(
      () => loads.every((l) => l.acks.length >= 5),
      30_000,
      'requests acknowledged in every session',
    );
    await Promise.all(nats.servers.map((server) => server.stop('SIGKILL')));
    // Long enough for every lease to age out and every node's start over to fail (its requests time out).
    await new Promise((resolve) => setTimeout(resolve, TEST_LEASE_MS * 10));
    for (const server of nats.servers) server.start();
    const backAt = Date.now();
    await waitFor(
      () => loads.every((l) => l.acks.filter((a) => a.sentAt >= backAt).length >= 5),
      60_000,
      `every session served after the outage (${loads.map((l) => l.refused.length).join(',')} refused)`,
    ).catch(withOutputs(run.nodes));
    await Promise.all(loads.map((l) => l.stop()));
    for (const load of loads)
      expect(
        notOnceIn(
          load.acks.map((a) => a.name),
          await teamNames(admin, load.session).catch(withOutputs(run.nodes)),
        ),
      ).toEqual([]);
    expect(partWriterProblems(await partEntries(natsUrls))).toEqual([]);
  });

  it('[CLUSTER-21] a request for a session whose owner is frozen is answered OWNER_UNAVAILABLE after 10 s; one for a session no node knows is refused by the global part’s holder', async () => {
    // A lease far longer than a forward's 10 s deadline: the frozen owner keeps its lease meanwhile.
    const { adminToken, urls } = await partsCluster(2, { TRUINLAG_LEASE_MS: '15000' });
    const setUp = kept(
      urlClient(urls, { token: adminToken, clientId: 'unavailable-setup', broadcasts: false }),
    );
    const sessions = await addSessions(setUp, 4, 'U');
    const owners = await holders(run.nodes, sessions.map(sessionPartOf), 60_000);
    const session = sessions.find((s) => owners.get(sessionPartOf(s)) !== owners.get('global'));
    expect(session).toBeDefined();
    const frozen = owners.get(sessionPartOf(session as number)) as NodeProcess;
    const other = run.nodes.find((n) => n !== frozen) as NodeProcess;
    const client = kept(
      urlClient([other.url], { token: adminToken, clientId: 'unavailable-client', broadcasts: false }),
    );
    await expect(client.request({ type: 'session.state' }, { session: 987_654 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    frozen.signal('SIGSTOP');
    const sent = Date.now();
    await expect(client.request({ type: 'team.add', name: 'Frozen' }, { session })).rejects.toMatchObject({
      code: 'OWNER_UNAVAILABLE',
    });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(9_000);
    frozen.signal('SIGCONT');
  });

  it('[CLUSTER-22] a node restarted with its data directory gets its sessions back by hand-over and serves the requests forwarded to it', async () => {
    const { natsUrls, adminToken, urls } = await partsCluster(3);
    const admin = kept(urlClient(urls, { token: adminToken, clientId: 'restart-admin', broadcasts: false }));
    const sessions = await addSessions(admin, 6, 'R');
    const parts = sessions.map(sessionPartOf);
    const before = await holders(run.nodes, parts);
    // A node holding sessions, not the global part: stopped, then started again on its data directory.
    const restarted = run.nodes.find(
      (n) => n !== before.get('global') && parts.some((p) => before.get(p) === n),
    ) as NodeProcess;
    const its = parts.filter((p) => before.get(p) === restarted);
    restarted.signal('SIGTERM');
    await restarted.exited;
    const again = await startPartsNode(restarted.name, restarted.dataDir, natsUrls);
    run.nodes = run.nodes.map((n) => (n === restarted ? again : n));
    await waitFor(
      async () => {
        const now = await holders(run.nodes, parts);
        return its.every((p) => now.get(p) === again);
      },
      TEST_LEASE_MS * 15,
      'the restarted node holding its sessions again',
    ).catch(withOutputs(run.nodes));
    // Every other node forwards to it, and it steps what they send.
    for (const node of run.nodes.filter((n) => n !== again)) {
      const client = kept(
        urlClient([node.url], { token: adminToken, clientId: `restart-via-${node.name}`, broadcasts: false }),
      );
      for (const session of sessions)
        await client.request({ type: 'team.add', name: `v${node.name.slice(-1)}` }, { session });
    }
    for (const session of sessions) expect((await teamNames(admin, session)).sort()).toHaveLength(2);
  });
});
