import { StorageType, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { isWrongLastSequence, setUpPatiently } from './jetstream-errors.js';

/** The bucket of ownership leases. Its TTL is the lease's: a key not renewed within it is gone. */
export const LEASE_BUCKET = 'truinlag_leases';
/**
 * The key of the lease of the whole engine. With an owner per part, the bucket holds a key per part
 * (`part.global`, `part.session.<id>`) and one per live node instead (`PartLeases`, part-leases.ts).
 */
export const ENGINE_LEASE_KEY = 'engine';

/**
 * Opens (creating when missing) the lease bucket with the given TTL and replica count. The bucket is
 * created through `js`; the leases' own requests go through `quickJs`, whose timeout is well inside the
 * lease time, so that a lost answer leaves time to renew again.
 */
export async function openLeaseBucket(
  js: JetStreamClient,
  quickJs: JetStreamClient,
  options: { ttlMs: number; replicas: number },
): Promise<KV> {
  // Reads from the stream's leader, not from any replica: who holds a lease is never read stale.
  await setUpPatiently(() =>
    new Kvm(js).create(LEASE_BUCKET, {
      ttl: options.ttlMs,
      history: 1,
      replicas: options.replicas,
      storage: StorageType.File,
      allow_direct: false,
    }),
  );
  return setUpPatiently(() => new Kvm(quickJs).open(LEASE_BUCKET, { allow_direct: false }));
}

/** Who holds a lease: the node's name and where its clients connect. */
export interface LeaseHolder {
  readonly node: string;
  readonly url: string;
}

/**
 * A lease in a JetStream KV bucket: taken with a create (only when the key is absent), kept with
 * compare-and-set updates on the last revision, lost when it is not renewed within the bucket's TTL
 * (the key ages out: NATS 2.9 has no per-message TTL, so the bucket's max age is the lease time). The
 * revision at which it was taken is the ownership term, written into every batch as the fencing token.
 */
export class Lease {
  /** The last revision written by this node, 0 when it does not hold the lease. */
  private revision = 0;
  /** The revision at which this node took the lease: its ownership term, the fencing token. */
  private taken = 0;

  private constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly holder: LeaseHolder,
  ) {}

  /** Opens the lease bucket (`openLeaseBucket`) and names the key this node takes. */
  static async open(
    js: JetStreamClient,
    quickJs: JetStreamClient,
    key: string,
    holder: LeaseHolder,
    options: { ttlMs: number; replicas: number },
  ): Promise<Lease> {
    return new Lease(await openLeaseBucket(js, quickJs, options), key, holder);
  }

  /** The term of the current holding, 0 when this node does not hold the lease. */
  get term(): number {
    return this.revision === 0 ? 0 : this.taken;
  }

  /** Takes the lease when nobody holds it; resolves with the new term, or undefined when someone does. */
  async tryTake(): Promise<number | undefined> {
    try {
      this.revision = await this.kv.create(this.key, JSON.stringify(this.holder));
      this.taken = this.revision;
      return this.taken;
    } catch (error) {
      if (isWrongLastSequence(error)) return undefined;
      throw error;
    }
  }

  /**
   * Renews the lease: false when it was lost (it aged out and someone else took it, or it is gone);
   * throws when NATS did not answer (the caller decides how long it may go unrenewed).
   */
  async renew(): Promise<boolean> {
    try {
      this.revision = await this.kv.update(this.key, JSON.stringify(this.holder), this.revision);
      return true;
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      this.revision = 0;
      return false;
    }
  }

  /** Gives the lease up at once (a clean shutdown), so another node need not wait for it to age out. */
  async release(): Promise<void> {
    if (this.revision === 0) return;
    const revision = this.revision;
    this.revision = 0;
    await this.kv.delete(this.key, { previousSeq: revision }).catch(() => undefined);
  }

  /** Forgets the holding without touching the bucket (after this node was fenced off). */
  forget(): void {
    this.revision = 0;
  }

  /** The current holder, or undefined when nobody holds the lease. */
  async holderNow(): Promise<LeaseHolder | undefined> {
    const entry = await this.kv.get(this.key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return entry.json<LeaseHolder>();
  }
}
