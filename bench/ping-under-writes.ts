/**
 * Case (f): does a read wait for other clients' writes (PROTOCOL-8)? One raw client in its own process
 * pings (without a text: it reads nothing) in a closed loop, first on an idle server, then beside
 * `writers` library clients adding players as fast as their answers come back. The pinger runs apart
 * from the writers so that reading their answers does not delay its own: the ratio is the server's.
 */
import type { TruinlagClient } from '../src/client/node.js';
import {
  closeAll,
  closedLoop,
  openLibraryClients,
  pingsFromChild,
  summariseRun,
  waitForPeers,
  type Child,
  type LoopSummary,
  type Summary,
} from './harness.js';

export interface PingUnderWrites {
  readonly idle: Summary;
  readonly underWrites: Summary;
  readonly writes: LoopSummary;
  /** p50 of the pings under writes over p50 of the idle pings (target: at most 2). */
  readonly p50Ratio: number;
}

export async function pingUnderWrites(server: Child, writers: number): Promise<PingUnderWrites> {
  const idle = await pingsFromChild(server);
  await waitForPeers(server, 0);
  const adders = await openLibraryClients(server, writers, { broadcasts: false });
  const tag = Math.random().toString(36).slice(2, 8);
  const [underWrites, adds] = await Promise.all([
    pingsFromChild(server),
    closedLoop(server, writers, async (c, i) => {
      await (adders[c] as TruinlagClient).request({
        type: 'player.add',
        name: `Load ${c}-${i}`,
        passphrase: `load-${tag}-${c}-${i}`,
      });
    }),
  ]);
  closeAll(adders);
  await waitForPeers(server, 0);
  return {
    idle,
    underWrites,
    writes: summariseRun(adds),
    p50Ratio: Math.round((underWrites.p50Ms / idle.p50Ms) * 100) / 100,
  };
}
