import { jetstream } from '@nats-io/jetstream';
import { partitionIds } from './id-partition.js';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ServerConfig } from '../server/config.js';
import { startServer, type RunningServer, type ServerExtras } from '../server/server.js';
import { CommitWriter } from '../store/commit-writer.js';
import { PeriodTracker } from '../store/period-rows.js';
import { BUSY_TIMEOUT_MS, type SqliteStore } from '../store/sqlite-store.js';
import { FencedError, type BatchLog } from './batch-log.js';
import { BlobMirror } from './blob-mirror.js';
import { BLOB_BUCKET, type BlobObjects } from './blob-objects.js';
import type { ClusterConfig } from './cluster-config.js';
import { connectToNats, joinCluster } from './cluster-join.js';
import { ClusterStore } from './cluster-store.js';
import { ClusterWriter } from './cluster-writer.js';
import { ENGINE_LEASE_KEY, Lease, type LeaseHolder } from './engine-lease.js';
import { ConnectionRelay } from './connection-relay.js';
import { LeftoverSweeper } from './leftover-sweeper.js';
import { LocalReplica, positionOf } from './local-replica.js';
import { RelayHost } from './relay-host.js';
import type { SecretsOutcome } from './shared-secrets.js';
import type { SharedSnapshots } from './shared-snapshots.js';
import { SNAPSHOT_BUCKET } from './snapshot-store.js';
import type { Snapshotter } from './snapshotter.js';
import { StandbyServer } from './standby-server.js';

/** How often a takeover tries again to append its marker when another append got in first. */
const MARKER_ATTEMPTS = 5;

/**
 * What the node is doing now. With one engine lease: `standby`, `owner`. With per-session ownership
 * (CLUSTER-22): `serving`, then per part `owner` (took it), `handed-over`, `lost`.
 */
export type NodeRole = 'standby' | 'owner' | 'stopped' | 'serving' | 'handed-over' | 'lost';

/** What a starting node tells (the CLI prints it). */
export interface NodeReports {
  /** Each role change. */
  role(role: NodeRole, detail: string): void;
  /** What the join did with the installation's secrets (CLUSTER-13), and how long it took. */
  secrets(outcome: SecretsOutcome, ms: number): void;
}

/**
 * One truinlag node of a cluster. On standby it keeps its SQLite copy current from the batch log, refuses
 * clients with the owner's address, and tries to take the engine's lease; holding it, it appends a
 * takeover marker (fencing every older owner), then runs the ordinary server whose writer appends each
 * batch to the log before answering. It steps down (back to standby) when its lease or an append fails.
 */
export class ClusterNode {
  private role: NodeRole = 'standby';
  private standby: { server: StandbyServer; replica: LocalReplica; mirror: BlobMirror } | undefined;
  private server: RunningServer | undefined;
  /** While this node owns the engine: the connections other nodes relay to it. */
  private host: RelayHost | undefined;
  /** While it does not: its clients' sockets, relayed to the owner. */
  private readonly relay: ConnectionRelay;
  private owner: LeaseHolder | undefined;
  /** While this node owns the engine: takes the shared snapshots (CLUSTER-8). */
  private snapshotter: Snapshotter | undefined;
  /** While this node owns the engine: sweeps what cut-off picture puts left (CLUSTER-14). */
  private sweepers: LeftoverSweeper[] = [];
  private tickTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRenewed = 0;
  /** The engine's lease, opened once the standby listens (the lease names this node's URL). */
  private lease: Lease | undefined;
  /** Role changes run one after another, never interleaved. */
  private changing: Promise<void> = Promise.resolve();
  private markStopped: () => void = () => undefined;
  /** Resolves once the node has stopped (a signal, or the `server.shutdown` command on the owner). */
  readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));

  private constructor(
    private readonly config: ServerConfig,
    private readonly cluster: ClusterConfig,
    private readonly extras: ServerExtras,
    private readonly nats: NatsConnection,
    private readonly log: BatchLog,
    private readonly snapshots: SharedSnapshots,
    private readonly blobs: BlobObjects,
    private readonly logger: Logger,
    /** Told every role change (the CLI prints it). */
    private readonly onRole: (role: NodeRole, detail: string) => void,
    private port: number,
  ) {
    this.relay = new ConnectionRelay(nats, cluster.node, config.heartbeatMs);
    void this.watchNats();
  }

  /**
   * Connects to NATS, creates the stream and the buckets when missing, makes the data directory hold the
   * cluster's secrets (before anything reads them), and starts on standby.
   */
  static async start(
    config: ServerConfig,
    cluster: ClusterConfig,
    extras: ServerExtras,
    logger: Logger,
    reports: NodeReports,
  ): Promise<ClusterNode> {
    const nats = await connectToNats(cluster);
    let node: ClusterNode | undefined;
    try {
      const { js, stream: log, snapshots, blobs } = await joinCluster(nats, config, cluster, logger, reports);
      node = new ClusterNode(
        config,
        cluster,
        extras,
        nats,
        log,
        snapshots,
        blobs,
        logger,
        (role, detail) => reports.role(role, detail),
        config.port,
      );
      await node.enterStandby();
      // Lease requests give up well within the lease time, so that a renewal can be tried again in time.
      const leaseJs = jetstream(nats, { timeout: Math.min(2_000, cluster.leaseMs / 3) });
      node.lease = await Lease.open(js, leaseJs, ENGINE_LEASE_KEY, node.holder, {
        ttlMs: cluster.leaseMs,
        replicas: cluster.replicas,
      });
    } catch (error) {
      // A node that could not join leaves nothing running (no socket, no NATS connection): it exits.
      await (node?.stop() ?? nats.close()).catch(() => undefined);
      throw error;
    }
    node.scheduleTick(0);
    return node;
  }

  /** Where clients reach this node (written into the lease, so standbys can name the owner). */
  get url(): string {
    return `ws://${this.config.host}:${this.port}`;
  }

  get currentRole(): NodeRole {
    return this.role;
  }

  /** Stops: the owner shuts its server down and gives the lease up at once; a standby just closes. */
  stop(): Promise<void> {
    return this.change(async () => {
      if (this.role === 'stopped') return;
      clearTimeout(this.tickTimer);
      clearTimeout(this.renewTimer);
      this.role = 'stopped';
      await (await this.leaveStandby())?.close();
      await this.stopServing();
      this.relay.close();
      await this.lease?.release();
      await this.nats.drain().catch(() => undefined);
      this.onRole('stopped', 'stopped');
      this.markStopped();
    });
  }

  private get holder(): LeaseHolder {
    return { node: this.cluster.node, url: this.url };
  }

  private change(work: () => Promise<void>): Promise<void> {
    this.changing = this.changing.then(work).catch((error: unknown) => {
      this.logger.error({ err: error }, 'cluster role change failed');
    });
    return this.changing;
  }

  private async enterStandby(): Promise<void> {
    const replica = new LocalReplica(this.config.dataDir, this.snapshots);
    // The replica's store: a snapshot loaded while catching up replaces it (CLUSTER-8).
    const mirror = new BlobMirror(
      () => replica.copy,
      this.blobs,
      (stored) => replica.storeBlobs(stored),
      this.logger,
    );
    const server = new StandbyServer({
      node: this.cluster.node,
      owner: () => this.owner,
      relay: this.relay,
      heartbeatMs: this.config.heartbeatMs,
      trustProxy: this.config.limits.trustProxy,
      ...(this.extras.staticApp === undefined ? {} : { staticApp: this.extras.staticApp }),
    });
    this.standby = { server, replica, mirror };
    const address = await server.listen(this.config.host, this.port);
    this.port = address.port;
    this.role = 'standby';
    this.onRole('standby', `standby at ${this.url}, log position ${replica.position}`);
  }

  private async leaveStandby(): Promise<LocalReplica | undefined> {
    const standby = this.standby;
    this.standby = undefined;
    if (standby === undefined) return undefined;
    await standby.server.close();
    return standby.replica;
  }

  private scheduleTick(delayMs: number): void {
    this.tickTimer = setTimeout(() => void this.tick(), delayMs);
  }

  /** On standby: take the lease if it is free, else learn its holder and catch up with the log. */
  private async tick(): Promise<void> {
    const lease = this.lease;
    if (this.role !== 'standby' || lease === undefined) return;
    try {
      const term = await lease.tryTake();
      if (term !== undefined) {
        await this.change(() => this.takeOver(term));
        return;
      }
      this.owner = await lease.holderNow();
      this.standby?.server.ownerIs(this.owner);
      await this.standby?.replica.catchUp(this.log);
      await this.standby?.mirror.fetchMissing();
    } catch (error) {
      this.logger.warn({ err: error }, 'standby: lease or log not reachable');
    }
    if (this.role === 'standby') this.scheduleTick(this.cluster.leaseMs / 4);
  }

  /**
   * Holding the lease: catch up with the log, append the takeover marker (from now on an older owner's
   * appends fail), then serve. Renewing starts first, as catching up may take a while.
   */
  private async takeOver(term: number): Promise<void> {
    const replica = this.standby?.replica;
    const mirror = this.standby?.mirror;
    if (this.role !== 'standby' || replica === undefined || mirror === undefined) return;
    this.lastRenewed = Date.now();
    this.scheduleRenew();
    try {
      const marker = await this.appendMarker(replica, term);
      await mirror.beforeServing();
      await this.leaveStandby();
      await replica.close();
      await this.serve(term, marker);
    } catch (error) {
      this.logger.warn({ err: error }, 'takeover failed: back to standby');
      clearTimeout(this.renewTimer);
      await this.lease?.release();
      if (this.standby === undefined) await this.enterStandby();
      this.scheduleTick(this.cluster.leaseMs / 4);
    }
  }

  /** Runs the ordinary server on this node's port, its writer appending to the log from `marker` on. */
  private async serve(term: number, marker: number): Promise<void> {
    const server = await startServer(
      { ...this.config, port: this.port },
      {
        ...this.extras,
        runtimeStore: (local) => this.clusterStore(local, term, marker),
        beforeServing: (runtime) => partitionIds(runtime, this.cluster.node, term),
      },
    );
    this.server = server;
    this.host = new RelayHost(
      this.nats,
      this.cluster.node,
      server.connectionServices,
      this.config.heartbeatMs,
      this.logger,
    );
    this.sweepers = this.sweepLeftovers();
    this.role = 'owner';
    this.owner = this.holder;
    server.runtime.onShutdownRequested = () => void this.stop();
    this.onRole('owner', `owner at ${this.url}, term ${term}, log position ${marker}`);
  }

  /**
   * Sweeps the picture and snapshot buckets' leftovers now and every grace period (CLUSTER-14): a put is
   * cut off only by a kill, so its chunks are younger than the grace at the takeover that follows, and a
   * later sweep must purge them. They run on their own timers: an idle owner takes no snapshots.
   */
  private sweepLeftovers(): LeftoverSweeper[] {
    const graceMs = this.cluster.leftoverGraceMs;
    return [
      new LeftoverSweeper(BLOB_BUCKET, () => this.blobs.sweepLeftovers(graceMs), graceMs, this.logger),
      new LeftoverSweeper(SNAPSHOT_BUCKET, () => this.snapshots.sweepLeftovers(), graceMs, this.logger),
    ];
  }

  /** Catches up and appends the marker; another append in between (an older owner's) means: again. */
  private async appendMarker(replica: LocalReplica, term: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const end = await replica.catchUp(this.log);
      try {
        const seq = await this.log.append({ kind: 'takeover', node: this.cluster.node, term }, end);
        await replica.catchUp(this.log, seq);
        return seq;
      } catch (error) {
        if (!(error instanceof FencedError) || attempt >= MARKER_ATTEMPTS) throw error;
      }
    }
  }

  private clusterStore(local: SqliteStore, term: number, marker: number): ClusterStore {
    return new ClusterStore(local, (busyTimeoutMs) => {
      const writer = new ClusterWriter(
        this.log,
        new CommitWriter(local.path, busyTimeoutMs ?? BUSY_TIMEOUT_MS),
        { node: this.cluster.node, term },
        marker,
        (error) => void this.stepDown(`an append failed: ${error.message}`),
        new PeriodTracker(local.teamsAsLoaded()),
        this.blobs,
        this.logger,
      );
      this.snapshotter?.stop();
      this.snapshotter = this.snapshots.startTaking(writer, () => positionOf(local));
      return writer;
    });
  }

  private scheduleRenew(): void {
    this.renewTimer = setTimeout(() => void this.renew(), this.cluster.leaseMs / 3);
  }

  /**
   * Renews the lease. Lost: step down. Not answered: keep trying, but step down before the lease could
   * have aged out, as another node may hold it by then (its marker would fence this one's appends anyway).
   */
  private async renew(): Promise<void> {
    const lease = this.lease;
    if (lease === undefined || this.role === 'stopped') return;
    try {
      if (await lease.renew()) this.lastRenewed = Date.now();
      else return void this.stepDown('the lease was lost');
    } catch (error) {
      this.logger.warn({ err: error }, 'lease renewal not answered');
      if (Date.now() - this.lastRenewed > this.cluster.leaseMs * 0.8)
        return void this.stepDown('the lease could not be renewed in time');
    }
    // The lease may have been given up while the renewal was out (a stop, a step-down).
    if (lease.term !== 0 && this.currentRole !== 'stopped') this.scheduleRenew();
  }

  /** Shuts the server down (its clients, relayed ones too, are told and closed), then stops relaying in. */
  private async stopServing(): Promise<void> {
    const server = this.server;
    const host = this.host;
    this.server = undefined;
    this.host = undefined;
    this.snapshotter?.stop();
    this.snapshotter = undefined;
    for (const sweeper of this.sweepers.splice(0)) sweeper.stop();
    host?.stopOpening();
    await server?.shutdown();
    host?.close();
  }

  /**
   * Whatever was on its way while NATS was disconnected may be lost: relayed connections on either side
   * are closed, so that their clients reconnect and resume rather than wait for a lost answer. The other
   * side is told again once NATS is back, as what was published meanwhile may be lost too.
   */
  private async watchNats(): Promise<void> {
    const reason = 'this node lost its NATS connection: reconnect and resume';
    for await (const status of this.nats.status()) {
      if (status.type === 'disconnect') {
        this.logger.warn({ server: status.server }, 'NATS disconnected: relayed connections cut');
        this.relay.cutAll(reason);
        this.host?.cutAll(reason);
      } else if (status.type === 'reconnect') {
        this.logger.warn({ server: status.server }, 'NATS reconnected');
        this.relay.repeatCuts();
        this.host?.repeatCuts(reason);
      }
    }
  }

  private stepDown(reason: string): Promise<void> {
    return this.change(async () => {
      if (this.role !== 'owner') return;
      this.logger.warn({ reason }, 'stepping down');
      clearTimeout(this.renewTimer);
      this.lease?.forget();
      this.owner = undefined;
      await this.stopServing();
      await this.enterStandby();
      this.scheduleTick(this.cluster.leaseMs / 4);
    });
  }
}
