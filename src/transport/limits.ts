import type { Budget } from './token-bucket.js';

/** Request budgets of one role: for each connection, and for all of that role's connections from one address. */
export interface RoleBudgets {
  readonly connection: Budget;
  readonly address: Budget;
}

/**
 * What any one connection or address can make the server do (the LIMIT rules in docs/rules.md). Frame
 * size and JSON shape are the protocol's own (src/protocol/version.ts); these are the server's, and a
 * game master may change them (`ServerConfigInput.limits`; the environment sets the two a deployment is
 * most likely to need: `TRUINLAG_TRUST_PROXY=1` and `TRUINLAG_CONNECTIONS_PER_ADDRESS`).
 */
export interface EdgeLimits {
  /** A connection that has not said hello this long after it opened is closed (LIMIT-5). */
  readonly helloTimeoutMs: number;
  /** WebSocket connections per address that are not admin connections (LIMIT-6). */
  readonly connectionsPerAddress: number;
  /** Request budgets (LIMIT-7): guests tightly, players generously; admins are not limited. */
  readonly requests: { readonly guest: RoleBudgets; readonly player: RoleBudgets };
  /** Login attempts that failed (LIMIT-8), per address and per guessed passphrase. */
  readonly logins: { readonly address: Budget; readonly account: Budget };
  /**
   * Take a client's address from the last `X-Forwarded-For` entry, which the proxy in front of this
   * server wrote, instead of the TCP peer (which is then the proxy for everyone). Only behind a proxy.
   */
  readonly trustProxy: boolean;
}

/** A request costs one unit, plus one for each full 16 KiB of its frame (LIMIT-7). */
export const REQUEST_UNIT_BYTES = 16 * 1024;

/**
 * The defaults, sized for a game's real use with a wide margin: a phone sends a location every few
 * seconds and at most a few dozen queued actions after a tunnel; a whole game may share one mobile
 * carrier's address, and log in at once when it starts. A guest only logs in and pings.
 */
export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  helloTimeoutMs: 10_000,
  connectionsPerAddress: 128,
  requests: {
    guest: { connection: { burst: 10, perSecond: 2 }, address: { burst: 100, perSecond: 20 } },
    player: { connection: { burst: 200, perSecond: 20 }, address: { burst: 2_000, perSecond: 200 } },
  },
  logins: {
    address: { burst: 10, perSecond: 1 / 6 },
    account: { burst: 5, perSecond: 1 / 60 },
  },
  trustProxy: false,
};

/** The defaults with some limits replaced (by the environment, see src/server/config.ts, or by tests). */
export function edgeLimits(changes: Partial<EdgeLimits> = {}): EdgeLimits {
  return { ...DEFAULT_EDGE_LIMITS, ...changes };
}
