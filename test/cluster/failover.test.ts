import { describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/client.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import {
  clusterClient,
  clusterDataDirs,
  owner,
  readiness,
  standbyReady,
  startNode,
  type NodeProcess,
} from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { streamGaps, notExactlyOnce, SessionLoad } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';
import { withOutputs } from './support/parts.js';

const run = clusterRunPerTest();

/** Three NATS servers, `count` truinlag nodes on them, and an admin client of the whole cluster. */
async function cluster(count: number): Promise<{ client: TruinlagClient; adminToken: string }> {
  run.nats = await startNatsCluster();
  const { dirs, adminToken } = clusterDataDirs(count);
  const urls = run.nats.urls;
  run.nodes = await Promise.all(dirs.map((dir, i) => startNode(`node-${i + 1}`, dir, urls)));
  await owner(run.nodes);
  const client = clusterClient(run.nodes, { token: adminToken, clientId: 'cluster-admin-client' });
  run.clients.push(client);
  await client.ready;
  return { client, adminToken };
}

describe('a cluster of truinlag nodes on NATS JetStream', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-1] serves again within 10 s after its owner is killed, losing and doubling nothing acknowledged', async () => {
    const { client } = await cluster(3);
    const received: BroadcastMessage[] = [];
    client.onBroadcast((b) => received.push(b));
    const session = await client.request({ type: 'session.add', name: 'announcements' });
    await client.request(
      { type: 'announcement.schedule', text: 'set before the kill', at: Date.now() + 3_000 },
      { session: session.id },
    );
    const load = new SessionLoad(client, 'kill');
    await waitFor(() => load.acknowledged.length >= 40, 20_000, '40 acknowledged requests');

    const first = await owner(run.nodes);
    first.signal('SIGKILL');
    const killedAt = Date.now();
    const ackedAtKill = load.acknowledged.length;
    const second = await owner(
      run.nodes.filter((n) => n !== first),
      10_000,
    );
    await waitFor(
      () => load.acknowledged.length >= ackedAtKill + 20,
      10_000,
      'requests served after the kill',
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(second).not.toBe(first);
    await load.stop();

    expect(await notExactlyOnce(client, load.acknowledged)).toEqual([]);
    expect(streamGaps(received, null)).toEqual([]);
    // Every acknowledged session was announced to this client once: across the takeover, resumed.
    const announced = received.flatMap((b) =>
      b.event.type === 'session.added' ? [b.event.session.name] : [],
    );
    expect(load.acknowledged.filter((name) => announced.filter((n) => n === name).length !== 1)).toEqual([]);
    await waitFor(
      () => received.find((b) => b.event.type === 'announcement' && b.event.text === 'set before the kill'),
      10_000,
      'the announcement set before the kill',
    );
  });

  it('[CLUSTER-1] an owner stopped with SIGTERM exits cleanly and another node serves on', async () => {
    const { client } = await cluster(2);
    await client.request({ type: 'session.add', name: 'before the handover' });
    const first = await owner(run.nodes);
    first.signal('SIGTERM');
    await first.exited;
    expect(first.child.exitCode).toBe(0);
    expect(first.roles.at(-1)).toBe('stopped');
    await owner(run.nodes.filter((n) => n !== first));
    await client.request({ type: 'session.add', name: 'after the handover' });
    expect(await notExactlyOnce(client, ['before the handover', 'after the handover'])).toEqual([]);
  });

  it('[CLUSTER-7] a standby is healthy with its role, ready once it knows the owner, serves the app, and passes pictures and metrics on to the owner', async () => {
    const { adminToken } = await cluster(2);
    const first = await owner(run.nodes);
    const standby = run.nodes.find((n) => n !== first) as NodeProcess;
    await standbyReady(standby, first);
    const http = standby.url.replace('ws://', 'http://');
    const standing = { role: 'standby', node: standby.name, owner: { node: first.name, url: first.url } };
    const health = await fetch(`${http}/healthz`);
    expect({ status: health.status, body: (await health.json()) as unknown }).toEqual({
      status: 200,
      body: { ok: true, ...standing },
    });
    expect(await readiness(standby)).toEqual({ status: 200, body: { ok: true, reasons: [], ...standing } });
    const appConfig = await fetch(`${http}/app-config.json`);
    expect(appConfig.status).toBe(200);
    expect(await appConfig.json()).toEqual(
      await (await fetch(`${first.url.replace('ws://', 'http://')}/app-config.json`)).json(),
    );
    // The owner answers (CLUSTER-9): an upload without a token is its 401, metrics are its own.
    const upload = await fetch(`${http}/pictures`, { method: 'POST' });
    expect(upload.status).toBe(401);
    expect(await upload.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORISED' } });
    const metrics = await fetch(`${http}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('truinlag_');
    expect((await fetch(`${first.url.replace('ws://', 'http://')}/healthz`)).status).toBe(200);
  });

  it('[CLUSTER-1] loses nothing acknowledged and goes on serving when a NATS server dies under load', async () => {
    const { client } = await cluster(2);
    const load = new SessionLoad(client, 'nats-down');
    await waitFor(() => load.acknowledged.length >= 30, 20_000, '30 acknowledged requests');
    await run.nats?.servers[0]?.stop('SIGKILL');
    const ackedAtStop = load.acknowledged.length;
    // The stream's leader may have been on the dead server: an election and the clients' reconnects come
    // first, which a machine running the whole suite can stretch well past their usual few seconds.
    await waitFor(
      () => load.acknowledged.length >= ackedAtStop + 30,
      45_000,
      'requests served after the stop',
    ).catch(withOutputs(run.nodes));
    await load.stop();
    if (load.timedOut.length > 0) console.info(`requests that timed out: ${load.timedOut.join(', ')}`);
    expect(await notExactlyOnce(client, load.acknowledged)).toEqual([]);
  });
});
