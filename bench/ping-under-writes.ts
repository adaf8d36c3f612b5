/**
 * Case (f): does a read wait for other clients' writes (PROTOCOL-8)? One raw client pings (without a
 * text: it reads nothing) in a closed loop, first on an idle server, then beside `writers` library
 * clients adding players as fast as their answers come back.
 */
import type { TruinlagClient } from '../src/client/node.js';
import { rawRoundTrips, type RoundTrips } from './cases.js';
import {
  closeAll,
  closedLoop,
  openLibraryClients,
  RawClient,
  summariseRun,
  waitForPeers,
  type Child,
  type LoopSummary,
} from './harness.js';

export interface PingUnderWrites {
  readonly idle: RoundTrips;
  readonly underWrites: LoopSummary;
  readonly writes: LoopSummary;
  /** p50 of the pings under writes over p50 of the idle pings (target: at most 2). */
  readonly p50Ratio: number;
}

export async function pingUnderWrites(server: Child, writers: number): Promise<PingUnderWrites> {
  const idle = await rawRoundTrips(server, true, 1);
  const pinger = await RawClient.open(server, true, 'bench-pinger');
  const adders = await openLibraryClients(server, writers, { broadcasts: false });
  const tag = Math.random().toString(36).slice(2, 8);
  const [pings, adds] = await Promise.all([
    closedLoop(server, 1, (_, i) => {
      const id = `p-${String(i).padStart(7, '0')}`;
      return pinger.roundTrip(JSON.stringify({ type: 'request', id, command: { type: 'ping' } }), id);
    }),
    closedLoop(server, writers, async (c, i) => {
      await (adders[c] as TruinlagClient).request({
        type: 'player.add',
        name: `Load ${c}-${i}`,
        passphrase: `load-${tag}-${c}-${i}`,
      });
    }),
  ]);
  pinger.close();
  closeAll(adders);
  await waitForPeers(server, 0);
  const underWrites = summariseRun(pings);
  return {
    idle,
    underWrites,
    writes: summariseRun(adds),
    p50Ratio: Math.round((underWrites.p50Ms / idle.p50Ms) * 100) / 100,
  };
}
