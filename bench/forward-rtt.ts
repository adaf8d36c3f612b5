/**
 * Forwarding bench (`tsx bench/forward-rtt.ts [count]`; needs /usr/sbin/nats-server): the round trip of
 * one forwarded request (CLUSTER-21) on loopback, one at a time, `count` times (default 1,000) after 100
 * to warm up, through a three-server NATS cluster: forwarder and owner on the same server, then on two
 * servers (one route between them). The owner's handler answers a small frame at once, so the numbers are
 * the transport's: encode, publish, the host's decode and answer, the forwarder's join and decode.
 */
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { ForwardHost } from '../src/cluster/forward-host.js';
import type { ForwardRequest } from '../src/cluster/forward-subjects.js';
import { RequestForwarder } from '../src/cluster/request-forwarder.js';
import { sessionPart } from '../src/engine/parts.js';
import { startNatsCluster } from '../test/cluster/support/nats-cluster.js';
import { removeTempDirs } from '../test/helpers/temp.js';
import { percentile, round } from './harness.js';

const COUNT = Number(process.argv[2] ?? 1_000);
const WARM_UP = 100;

const request = (n: number): ForwardRequest => ({
  source: 'client',
  part: sessionPart(4),
  session: 4,
  actor: { kind: 'player', player: 12, token: 3 },
  clientKey: 'bench',
  requestId: `r${n}`,
  command: {
    type: 'location.send',
    location: { lat: 47.37, lon: 8.54, accuracy: 12, heading: null, speed: null, timestamp: n },
  },
  after: { global: 41, 'session:4': n },
});

async function roundTrips(forwarderUrl: string, ownerUrl: string): Promise<{ p50: number; p99: number }> {
  const owner = await connect({ servers: ownerUrl });
  const sender = await connect({ servers: forwarderUrl });
  const host = new ForwardHost(
    owner,
    'owner',
    (sent) =>
      Promise.resolve({
        frame: JSON.stringify({ type: 'response', id: sent.requestId, ok: true, result: {} }),
        positions: { 'session:4': 1_000 },
      }),
    pino({ level: 'silent' }),
  );
  await owner.flush();
  const forwarder = new RequestForwarder(sender);
  const lookup = (): Promise<{ node: string }> => Promise.resolve({ node: 'owner' });
  const times: number[] = [];
  for (let n = 0; n < WARM_UP + COUNT; n++) {
    const started = performance.now();
    await forwarder.forward(lookup, request(n));
    if (n >= WARM_UP) times.push(performance.now() - started);
  }
  forwarder.close();
  await host.stop();
  await Promise.all([owner.close(), sender.close()]);
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50), 3), p99: round(percentile(times, 99), 3) };
}

const nats = await startNatsCluster();
try {
  const [a, b] = nats.servers;
  if (a === undefined || b === undefined) throw new Error('the cluster has fewer than two servers');
  console.log(`forwarded round trip over ${COUNT} (ms):`);
  console.log('  same NATS server     ', await roundTrips(a.url, a.url));
  console.log('  across a route       ', await roundTrips(a.url, b.url));
} finally {
  await nats.stop();
  removeTempDirs();
}
