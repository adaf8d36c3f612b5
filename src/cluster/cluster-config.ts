/** How a node joins a cluster (`truinlag serve --nats … --node …`). */
export interface ClusterConfig {
  /** The NATS servers' URLs (any one is enough to connect; the client learns the rest). */
  readonly servers: readonly string[];
  /** This node's name, unique in the cluster: written into the lease and every batch it appends. */
  readonly node: string;
  /** How long a lease lasts unrenewed: an owner silent for this long is replaced (ms). */
  readonly leaseMs: number;
  /** Copies JetStream keeps of the batch log and the lease bucket (3 in a 3-server cluster). */
  readonly replicas: number;
  /**
   * Chunks no object names in the object stores (uploads cut off by a kill) are swept once their newest is
   * this old (ms, CLUSTER-14): far longer than an upload waits for any one chunk, so an upload under way
   * is never swept. The owner sweeps the picture bucket this often, too.
   */
  readonly leftoverGraceMs: number;
  /**
   * `engine`: one lease for the whole engine, one node runs it. `parts`: each game session and the global
   * part have a lease of their own, spread over the live nodes (CLUSTER-22).
   */
  readonly ownership: OwnershipMode;
}

export type OwnershipMode = 'engine' | 'parts';

const DEFAULT_LEASE_MS = 5_000;
const DEFAULT_LEFTOVER_GRACE_MS = 10 * 60_000;
const NODE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The cluster settings from the flags and `TRUINLAG_LEASE_MS`, `TRUINLAG_NATS_REPLICAS`,
 * `TRUINLAG_LEFTOVER_MS` and `TRUINLAG_OWNERSHIP` (the flag's default).
 */
export function resolveClusterConfig(
  input: { nats: string; node: string | undefined; ownership?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ClusterConfig {
  const servers = input.nats
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0);
  if (servers.length === 0) throw new Error('--nats needs at least one NATS server URL.');
  const node = input.node ?? '';
  if (!NODE_NAME.test(node))
    throw new Error('--node must name this node: 1–64 letters, digits, "-" or "_", unique in the cluster.');
  const leaseMs = Number(env.TRUINLAG_LEASE_MS ?? DEFAULT_LEASE_MS);
  const replicas = Number(env.TRUINLAG_NATS_REPLICAS ?? Math.min(3, servers.length));
  const leftoverGraceMs = Number(env.TRUINLAG_LEFTOVER_MS ?? DEFAULT_LEFTOVER_GRACE_MS);
  if (!Number.isInteger(leaseMs) || leaseMs < 1_000)
    throw new Error('TRUINLAG_LEASE_MS must be at least 1000.');
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5)
    throw new Error('TRUINLAG_NATS_REPLICAS must be 1 to 5.');
  if (!Number.isInteger(leftoverGraceMs) || leftoverGraceMs < 1_000)
    throw new Error('TRUINLAG_LEFTOVER_MS must be at least 1000.');
  const ownership = input.ownership ?? env.TRUINLAG_OWNERSHIP ?? 'parts';
  if (ownership !== 'engine' && ownership !== 'parts')
    throw new Error('--ownership must be "engine" or "parts".');
  return { servers, node, leaseMs, replicas, leftoverGraceMs, ownership };
}
