import type { Role } from '../protocol/envelope.js';
import type { Edge } from './edge.js';
import { REQUEST_UNIT_BYTES } from './limits.js';
import { TokenBucket } from './token-bucket.js';

/** Why a frame was not let in: how long to wait, and whose budget ran out. */
export interface Refusal {
  readonly retryAfterMs: number;
  readonly scope: 'connection' | 'address';
  /** The client went on sending while refused, for longer than its whole budget: cut it off. */
  readonly persistent: boolean;
}

/**
 * One connection's request budget (LIMIT-7): its own bucket and the bucket of its role at its address,
 * both charged for every frame by its size. Admins (the local socket, the admin token) are not limited.
 * The check comes before the frame is read, so a refused frame costs next to nothing.
 */
export class RequestGate {
  private role: Role;
  private own: TokenBucket | undefined;
  private refusedInARow = 0;

  constructor(
    private readonly edge: Edge,
    private readonly address: string,
    role: Role,
  ) {
    this.role = role;
    this.own = this.bucketFor(role);
  }

  /** The hello decided the connection's role: from now on its budget is that role's. */
  become(role: Role): void {
    if (role === this.role) return;
    this.role = role;
    this.own = this.bucketFor(role);
  }

  /**
   * Lets a frame of `bytes` in and charges it, or says why not. Until the hello has said who the
   * connection is (`helloed`), its frames count against its own budget only: an admin's hello must not
   * be refused because guests of its address spent theirs.
   */
  admit(bytes: number, helloed: boolean): Refusal | undefined {
    if (this.role === 'admin' || this.own === undefined) return undefined;
    // Looked up each time: the address's bucket is forgotten while it is full, and made again on demand.
    const shared = helloed ? this.edge.addressBudgets[this.role].get(this.address) : undefined;
    const ownWait = this.own.waitMs();
    const sharedWait = shared?.waitMs() ?? 0;
    if (ownWait === 0 && sharedWait === 0) {
      const cost = 1 + Math.floor(bytes / REQUEST_UNIT_BYTES);
      this.own.take(cost);
      shared?.take(cost);
      this.refusedInARow = 0;
      return undefined;
    }
    this.refusedInARow++;
    return {
      retryAfterMs: Math.max(ownWait, sharedWait),
      scope: ownWait >= sharedWait ? 'connection' : 'address',
      persistent: this.refusedInARow > this.edge.limits.requests[this.role].connection.burst,
    };
  }

  private bucketFor(role: Role): TokenBucket | undefined {
    if (role === 'admin') return undefined;
    return new TokenBucket(this.edge.limits.requests[role].connection, this.edge.now);
  }
}
