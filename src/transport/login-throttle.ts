import type { EdgeLimits } from './limits.js';
import { KeyedBuckets, type Millis } from './token-bucket.js';

/** Who a login attempt is charged to: the client's address and the guessed passphrase's lookup digest. */
export interface LoginAttempt {
  readonly address: string;
  /** The keyed lookup digest of the passphrase (AUTH-4): the account it would open, never its text. */
  readonly account: string;
}

/**
 * Throttles guessing (LIMIT-8). Every attempt costs one unit of its address's budget and of its
 * account's; a successful login gives both back, so only failures add up. Charging at the attempt (not
 * at the failure) keeps a client that sends a thousand guesses at once from getting them all in before
 * the first one has failed. Logins are passphrase-only, so the account is the passphrase itself: its
 * budget stops one guess list being replayed from many addresses, the address budget stops one address
 * from trying many passphrases.
 */
export class LoginThrottle {
  private readonly byAddress: KeyedBuckets;
  private readonly byAccount: KeyedBuckets;

  constructor(budgets: EdgeLimits['logins'], now: Millis) {
    this.byAddress = new KeyedBuckets(budgets.address, now);
    this.byAccount = new KeyedBuckets(budgets.account, now);
  }

  /** Charges an attempt, or answers how many milliseconds to wait first (and charges nothing). */
  attempt({ address, account }: LoginAttempt): number {
    const wait = Math.max(this.byAddress.get(address).waitMs(), this.byAccount.get(account).waitMs());
    if (wait > 0) return wait;
    this.byAddress.get(address).take(1);
    this.byAccount.get(account).take(1);
    return 0;
  }

  /** The attempt logged in: it costs nothing after all. */
  succeeded({ address, account }: LoginAttempt): void {
    this.byAddress.get(address).refund(1);
    this.byAccount.get(account).refund(1);
  }
}
