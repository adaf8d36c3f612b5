import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { ConnectionState } from '../../src/client/connection-state.js';
import { DEFAULT_EDGE_LIMITS } from '../../src/transport/limits.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';

/**
 * The client library and request budgets (LIMIT-7): a burst past the connection's budget is refused in
 * part; the library sends the refused requests again at the pace the server names, so every one is
 * answered and the connection is never cut off for going on while refused.
 */
const BURST = 10;
const PER_SECOND = 10;
/** Past the budget, but fewer refusals than the budget: more at once would be cut off (4029) either way. */
const REQUESTS = 18;

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

function tightServer(): Promise<TestServer> {
  const guest = {
    connection: { burst: BURST, perSecond: PER_SECOND },
    address: { burst: 10_000, perSecond: 10_000 },
  };
  return startTestServer({
    config: { limits: { ...DEFAULT_EDGE_LIMITS, requests: { ...DEFAULT_EDGE_LIMITS.requests, guest } } },
  });
}

/** Every connection state a client goes through from now on. */
function statesOf(client: TruinlagClient): ConnectionState['status'][] {
  const seen: ConnectionState['status'][] = [];
  client.onConnection((state) => seen.push(state.status));
  return seen;
}

const burstOfPings = (client: TruinlagClient) =>
  Array.from({ length: REQUESTS }, () => client.request({ type: 'ping' }));

describe('[LIMIT-7] the client library under a request budget', () => {
  it('without retries, a burst past the budget is refused in part with RATE_LIMITED', async () => {
    const server = await tightServer();
    const guest = await openClient({ url: server.url }, { retryRateLimited: false });
    const settled = await Promise.allSettled(burstOfPings(guest));
    const refused = settled.filter((s) => s.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(REQUESTS - BURST - 2);
    for (const r of refused) expect(r).toMatchObject({ reason: { code: 'RATE_LIMITED' } });
  });

  it('sends refused requests again at the pace the server names: all answered, none cut off', async () => {
    const server = await tightServer();
    const guest = await openClient({ url: server.url });
    const states = statesOf(guest);
    const started = Date.now();
    const results = await Promise.all(burstOfPings(guest));
    expect(results).toHaveLength(REQUESTS);
    // The budget lets BURST in at once and PER_SECOND after that: the rest took their time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(((REQUESTS - BURST - 1) / PER_SECOND) * 1000 * 0.8);
    // A request made while others wait is answered after them, on the same connection.
    await expect(guest.request({ type: 'ping', text: 'after' })).resolves.toEqual({ text: 'after' });
    expect(states).toEqual([]);
    expect(guest.connection.status).toBe('open');
  }, 30_000);
});
