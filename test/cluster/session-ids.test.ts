import { describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/client.js';
import { SESSION_ID_BASE } from '../../src/engine/tx.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { clusterClient, clusterDataDirs, owner, startNode } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();

/** Adds a team to a session and returns its id. */
async function teamAdd(client: TruinlagClient, session: number, name: string): Promise<number> {
  return (await client.request({ type: 'team.add', name }, { session })).id;
}

describe('a cluster hands out ids per session', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-16] a team of session s gets s × 2^32 + n, n counts on after a takeover, and the switch is journaled once', async () => {
    run.nats = await startNatsCluster();
    const { dirs, adminToken } = clusterDataDirs(2);
    run.nodes = await Promise.all(
      dirs.map((dir, i) => startNode(`node-${i + 1}`, dir, run.nats?.urls ?? '')),
    );
    const first = await owner(run.nodes);
    const client = clusterClient(run.nodes, { token: adminToken, clientId: 'session-ids-admin' });
    run.clients.push(client);
    await client.ready;

    const a = (await client.request({ type: 'session.add', name: 'A' })).id;
    const b = (await client.request({ type: 'session.add', name: 'B' })).id;
    expect([await teamAdd(client, a, 'Rot'), await teamAdd(client, a, 'Blau')]).toEqual([
      a * SESSION_ID_BASE + 1,
      a * SESSION_ID_BASE + 2,
    ]);
    expect(await teamAdd(client, b, 'Rot')).toBe(b * SESSION_ID_BASE + 1);

    first.signal('SIGKILL');
    await owner(
      run.nodes.filter((n) => n !== first),
      15_000,
    );
    expect(await teamAdd(client, a, 'Grün')).toBe(a * SESSION_ID_BASE + 3);
    expect(await teamAdd(client, b, 'Blau')).toBe(b * SESSION_ID_BASE + 2);
    // Global records keep the shared counters.
    expect((await client.request({ type: 'session.add', name: 'C' })).id).toBe(b + 1);

    const audit = await client.request({ type: 'audit.list' });
    expect(audit.entries.filter((e) => e.command === 'ids.partition')).toHaveLength(1);
    expect(audit.entries[0]?.command).toBe('ids.partition');
  });
});
