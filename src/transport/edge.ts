import type { Logger } from 'pino';
import { AddressSlots } from './address-slots.js';
import type { EdgeLimits } from './limits.js';
import { LoginThrottle } from './login-throttle.js';
import { KeyedBuckets, type Millis } from './token-bucket.js';

/** Each kind of limit hit is logged at most once a minute per address: an attack must not flood the log. */
const LOG_BUDGET = { burst: 1, perSecond: 1 / 60 };

/**
 * What the edge of one server keeps across connections: the limits, open connections per address,
 * request budgets per address and role, the login throttle, and the log of limits hit. Connections hold
 * only their own budget.
 */
export class Edge {
  readonly slots: AddressSlots;
  readonly logins: LoginThrottle;
  /** Request budgets shared by all of one role's connections from one address (LIMIT-7). */
  readonly addressBudgets: { readonly guest: KeyedBuckets; readonly player: KeyedBuckets };
  private readonly logged: KeyedBuckets;

  constructor(
    readonly limits: EdgeLimits,
    readonly logger: Logger,
    readonly now: Millis = () => performance.now(),
  ) {
    this.slots = new AddressSlots(limits.connectionsPerAddress);
    this.logins = new LoginThrottle(limits.logins, now);
    this.addressBudgets = {
      guest: new KeyedBuckets(limits.requests.guest.address, now),
      player: new KeyedBuckets(limits.requests.player.address, now),
    };
    this.logged = new KeyedBuckets(LOG_BUDGET, now);
  }

  /** Logs that a limit was hit (what, from where, by which connection), unless it was logged lately. */
  limitHit(event: string, fields: { readonly address: string; readonly [key: string]: unknown }): void {
    const budget = this.logged.get(`${event}\0${fields.address}`);
    if (budget.waitMs() > 0) return;
    budget.take(1);
    this.logger.warn(fields, event);
  }
}
