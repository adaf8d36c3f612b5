import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { BatchLog, type Writer } from '../../src/cluster/batch-log.js';
import { TruinlagClient } from '../../src/client/client.js';
import { webSocketTransport, type WebSocketConstructor } from '../../src/client/transport.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import {
  clusterClient,
  clusterDataDirs,
  owner,
  startNode,
  TEST_LEASE_MS,
  type NodeProcess,
} from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { notExactlyOnce, SessionLoad } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();

/** Every entry's sequence, kind and writer, read back from the batch stream. */
async function logEntries(urls: string): Promise<{ seq: number; kind: string; writer: Writer }[]> {
  const nc = await connect({ servers: urls.split(',') });
  try {
    const log = new BatchLog(jetstream(nc), await jetstreamManager(nc));
    const entries: { seq: number; kind: string; writer: Writer }[] = [];
    await log.read(0, await log.lastSequence(), (seq, entry) => {
      entries.push({ seq, kind: entry.kind, writer: { node: entry.node, term: entry.term } });
      return Promise.resolve();
    });
    return entries;
  } finally {
    await nc.close();
  }
}

/**
 * Problems with the log's writers: terms (lease revisions) must never go down, each term belongs to one
 * node, and each term starts with that node's takeover marker.
 */
function writerProblems(entries: readonly { seq: number; kind: string; writer: Writer }[]): string[] {
  const problems: string[] = [];
  const nodeOfTerm = new Map<number, string>();
  let term = 0;
  for (const { seq, kind, writer } of entries) {
    if (writer.term < term) problems.push(`#${seq}: term ${writer.term} after term ${term}`);
    if (writer.term > term && kind !== 'takeover')
      problems.push(`#${seq}: term ${writer.term} starts without a marker`);
    const holder = nodeOfTerm.get(writer.term) ?? writer.node;
    if (holder !== writer.node)
      problems.push(`#${seq}: term ${writer.term} written by ${holder} and ${writer.node}`);
    nodeOfTerm.set(writer.term, writer.node);
    term = Math.max(term, writer.term);
  }
  return problems;
}

describe('an owner frozen past its lease', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-2] cannot append once thawed, steps down, and the log never has two writers', async () => {
    run.nats = await startNatsCluster();
    const { dirs, adminToken } = clusterDataDirs(2);
    const urls = run.nats.urls;
    run.nodes = await Promise.all(dirs.map((dir, i) => startNode(`node-${i + 1}`, dir, urls)));
    const frozen = await owner(run.nodes);
    const other = run.nodes.find((n) => n !== frozen) as NodeProcess;

    // A client of the owner alone, which does not move on: its request is read only after the thaw.
    const stale = new TruinlagClient(
      webSocketTransport(frozen.url, WebSocket as unknown as WebSocketConstructor),
      {
        token: adminToken,
        reconnect: false,
      },
    );
    run.clients.push(stale);
    await stale.ready;
    await stale.request({ type: 'session.add', name: 'before the freeze' });

    frozen.signal('SIGSTOP');
    const staleAnswer = stale.request({ type: 'session.add', name: 'sent to the frozen owner' }).then(
      () => 'acknowledged',
      (error: unknown) => String(error),
    );
    await owner([other], TEST_LEASE_MS * 5);
    const client = clusterClient([other], { token: adminToken });
    run.clients.push(client);
    const load = new SessionLoad(client, 'new-owner', 2);
    await waitFor(() => load.acknowledged.length >= 10, 20_000, 'requests served by the new owner');

    frozen.signal('SIGCONT');
    expect(await staleAnswer).not.toBe('acknowledged');
    await waitFor(() => frozen.roles.at(-1) === 'standby', 20_000, 'the thawed node stepping down');
    await load.stop();
    // The thawed node read its client's request and tried to append it: JetStream refused (the marker).
    expect(frozen.output()).toMatch(/fenced off/);

    const entries = await logEntries(urls);
    expect(writerProblems(entries)).toEqual([]);
    expect(new Set(entries.map((e) => e.writer.node))).toEqual(new Set([frozen.name, other.name]));
    expect(await notExactlyOnce(client, ['before the freeze', ...load.acknowledged])).toEqual([]);
    expect(await notExactlyOnce(client, ['sent to the frozen owner'])).toEqual([
      'sent to the frozen owner: 0',
    ]);
  });
});
