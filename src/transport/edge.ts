import { AddressSlots } from './address-slots.js';
import type { EdgeLimits } from './limits.js';
import { LoginThrottle } from './login-throttle.js';
import { KeyedBuckets, type Millis } from './token-bucket.js';

/**
 * What the edge of one server keeps across connections: the limits, open connections per address,
 * request budgets per address and role, and the login throttle. Connections hold only their own budget;
 * limits hit are reported to the connections' observer (metrics and logs).
 */
export class Edge {
  readonly slots: AddressSlots;
  readonly logins: LoginThrottle;
  /** Request budgets shared by all of one role's connections from one address (LIMIT-7). */
  readonly addressBudgets: { readonly guest: KeyedBuckets; readonly player: KeyedBuckets };

  constructor(
    readonly limits: EdgeLimits,
    readonly now: Millis = () => performance.now(),
  ) {
    this.slots = new AddressSlots(limits.connectionsPerAddress);
    this.logins = new LoginThrottle(limits.logins, now);
    this.addressBudgets = {
      guest: new KeyedBuckets(limits.requests.guest.address, now),
      player: new KeyedBuckets(limits.requests.player.address, now),
    };
  }
}
