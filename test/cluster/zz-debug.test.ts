import { describe, expect, it } from 'vitest';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { clientStartingOn, clusterDataDirs, urlClient } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { startNatsCluster } from './support/nats-cluster.js';
import { holders, startPartsNode } from './support/parts.js';

const run = clusterRunPerTest();

describe('debug', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('team.add through each node', async () => {
    run.nats = await startNatsCluster();
    const { dirs, adminToken } = clusterDataDirs(3);
    run.nodes = await Promise.all(dirs.map((dir, i) => startPartsNode(`node-${i + 1}`, dir, run.nats!.urls)));
    await holders(run.nodes, ['global']);
    const urls = run.nodes.map((n) => n.url);
    const admin = urlClient(urls, { token: adminToken, clientId: 'a', broadcasts: false, requestTimeoutMs: 15_000 });
    run.clients.push(admin);
    const s1 = (await admin.request({ type: 'session.add', name: 'S1' })).id;
    const s2 = (await admin.request({ type: 'session.add', name: 'S2' })).id;
    await holders(run.nodes, [`session:${s1}`, `session:${s2}`]);
    const results: string[] = [];
    for (const [i, url] of urls.entries()) {
      const c = clientStartingOn(url, urls, { token: adminToken, clientId: `c${i}`, broadcasts: false, requestTimeoutMs: 15_000 });
      run.clients.push(c);
      for (const s of [s1, s2]) {
        const started = Date.now();
        try {
          await c.request({ type: 'team.add', name: `t${i}x${s}` }, { session: s });
          results.push(`${url} s${s} ok ${Date.now() - started}`);
        } catch (e) {
          results.push(`${url} s${s} ${String(e)} ${Date.now() - started}`);
        }
      }
    }
    console.log(results.join('\n'));
    console.log(run.nodes.map((n) => n.output().slice(-3000)).join('\n-----\n'));
    expect(results.every((r) => r.includes(' ok '))).toBe(true);
  });
});
