import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { GLOBAL, partKey, sessionPart } from '../engine/parts.js';
import type { ServerConfig } from '../server/config.js';
import type { HttpEnv } from '../server/http-answers.js';
import { startServer, type RunningServer, type ServerExtras } from '../server/server.js';
import { CommitWriter } from '../store/commit-writer.js';
import { PeriodTracker } from '../store/period-rows.js';
import { BUSY_TIMEOUT_MS, type SqliteStore } from '../store/sqlite-store.js';
import { AppliedPositions } from './applied-positions.js';
import type { BatchLog } from './batch-log.js';
import { BlobMirror } from './blob-mirror.js';
import { BLOB_BUCKET, type BlobObjects } from './blob-objects.js';
import type { ClusterConfig } from './cluster-config.js';
import { connectToNats, joinCluster } from './cluster-join.js';
import type { NodeReports } from './cluster-node.js';
import { ClusterBoards } from './cluster-boards.js';
import { ClusterStore } from './cluster-store.js';
import { CopyPosition, trimBehindCopies } from './copy-position.js';
import { openLeaseBucket, type LeaseHolder } from './engine-lease.js';
import { ForwardHost } from './forward-host.js';
import { partitionIds } from './id-partition.js';
import { LeftoverSweeper } from './leftover-sweeper.js';
import { LocalReplica, positionOf } from './local-replica.js';
import { forwardToOwner } from './owner-forward.js';
import { PartFollower } from './part-follower.js';
import { PartLeases } from './part-leases.js';
import { PartLog } from './part-log.js';
import { PartRouter } from './part-router.js';
import { takeOverPart } from './part-takeover.js';
import { partPositionKey, PartsWriter } from './parts-writer.js';
import { RequestForwarder } from './request-forwarder.js';
import type { SharedSnapshots } from './shared-snapshots.js';
import { SNAPSHOT_BUCKET } from './snapshot-store.js';
import type { Snapshotter } from './snapshotter.js';

/** The pause before starting over again after a failed start, times the attempt (up to five times). */
const RESTART_PAUSE_MS = 500;

/** What runs while the node serves: started together, stopped together (and again after a failure). */
interface Serving {
  readonly server: RunningServer;
  readonly writer: PartsWriter;
  readonly follower: PartFollower;
  readonly host: ForwardHost;
  readonly router: PartRouter;
  readonly boards: ClusterBoards;
  readonly mirror: BlobMirror;
  /** The node's SQLite copy, as the server opened it. */
  readonly local: SqliteStore;
}

/**
 * One node of a cluster whose parts are owned apart (CLUSTER-22): every node serves clients with the
 * ordinary server over a full copy of the state; it steps the parts it holds leases of (the global part,
 * sessions), forwards requests of the others to their owners, and applies the other owners' batches
 * from the log to its copy (memory, SQLite, its clients' broadcasts). Parts are spread over the live
 * nodes by their leases (rendezvous hashing, CLUSTER-20); each part's batches go under its own subject,
 * fenced per part (CLUSTER-19). The global part's owner takes the shared snapshots, trims the log behind
 * them (CLUSTER-23) and sweeps leftovers.
 */
export class PartsNode {
  private serving: Serving | undefined;
  private leases: PartLeases | undefined;
  private readonly applied = new AppliedPositions();
  private readonly forwarder: RequestForwarder;
  /**
   * While this node holds the global part: they sweep what cut-off picture and snapshot puts left
   * (CLUSTER-14).
   */
  private sweepers: LeftoverSweeper[] = [];
  /** While this node holds the global part: it takes the shared snapshots and trims the log (CLUSTER-23). */
  private snapshotter: Snapshotter | undefined;
  private mirrorTimer: ReturnType<typeof setInterval> | undefined;
  /** Tells the cluster how far this node's copy has the log: no trim passes it (CLUSTER-23). */
  private readonly copyPosition: CopyPosition;
  /** The copy's position while no follower runs (starting, or starting over). */
  private startingFrom = 0;
  /** Parts are claimed once the copy has caught up with the log as it was at start. */
  private caughtUp = false;
  private stopping = false;
  /** Starting over after a failure runs once at a time. */
  private restarting: Promise<void> | undefined;
  private markStopped: () => void = () => undefined;
  readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));

  private constructor(
    private readonly config: ServerConfig,
    private readonly cluster: ClusterConfig,
    private readonly extras: ServerExtras,
    private readonly nats: NatsConnection,
    private readonly js: JetStreamClient,
    /** The lease bucket (CLUSTER-20). */
    private readonly kv: KV,
    private readonly log: PartLog,
    /** The same stream read as a whole: catching up a copy, and the snapshots' trimming. */
    private readonly stream: BatchLog,
    private readonly snapshots: SharedSnapshots,
    private readonly blobs: BlobObjects,
    private readonly logger: Logger,
    private readonly reports: NodeReports,
  ) {
    this.forwarder = new RequestForwarder(nats, { applied: this.applied });
    this.copyPosition = new CopyPosition(
      kv,
      cluster.node,
      () => this.serving?.follower.handled ?? this.startingFrom,
    );
  }

  /** Connects, sets up the stream and buckets, joins the secrets, catches up and serves. */
  static async start(
    config: ServerConfig,
    cluster: ClusterConfig,
    extras: ServerExtras,
    logger: Logger,
    reports: NodeReports,
  ): Promise<PartsNode> {
    const nats = await connectToNats(cluster);
    let node: PartsNode | undefined;
    try {
      const { js, jsm, stream, snapshots, blobs } = await joinCluster(nats, config, cluster, logger, reports);
      const log = new PartLog(js, jsm);
      // The leases' requests take the ordinary timeout: listing the live nodes makes a consumer, which after
      // a NATS server's loss can take longer than a third of the lease for a while. A renewal that hangs is
      // no risk: a part not renewed within 80 % of the lease counts as lost anyway (CLUSTER-20).
      const kv = await openLeaseBucket(js, js, { ttlMs: cluster.leaseMs, replicas: cluster.replicas });
      node = new PartsNode(
        config,
        cluster,
        extras,
        nats,
        js,
        kv,
        log,
        stream,
        snapshots,
        blobs,
        logger,
        reports,
      );
      await node.serve();
    } catch (error) {
      await (node?.stop() ?? nats.close()).catch(() => undefined);
      throw error;
    }
    return node;
  }

  get url(): string {
    return this.serving?.server.url ?? `ws://${this.config.host}:${this.config.port}`;
  }

  /** Stops: gives every part up, shuts the server down (its clients are told), leaves NATS. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.restarting;
    await this.stopServing();
    await this.copyPosition.stop();
    this.forwarder.close();
    await this.nats.drain().catch(() => undefined);
    this.reports.role('stopped', 'stopped');
    this.markStopped();
  }

  /**
   * Catches the SQLite copy up with what it can apply without the engine (a snapshot when it is behind the
   * log's start, entries of a single-lease cluster), then serves: the runtime steps nothing yet, and the
   * follower applies every later entry through it.
   */
  private async serve(): Promise<void> {
    this.logger.info('catching the copy up');
    const replica = new LocalReplica(this.config.dataDir, this.snapshots);
    // Told before catching up: while this node loads a snapshot and starts its server, no trim passes it.
    this.startingFrom = replica.position;
    let cursor: number;
    try {
      await this.copyPosition.start(this.cluster.leaseMs / 4);
      await replica.catchUp(this.stream);
      cursor = replica.position;
    } finally {
      await replica.close();
    }
    this.startingFrom = cursor;
    await this.copyPosition.tell();
    let writer: PartsWriter | undefined;
    let copy: SqliteStore | undefined;
    const router = new PartRouter(
      this.forwarder,
      this.applied,
      (part) => this.ownerLookup(partKey(part)),
      () => writer?.appended() ?? {},
      this.cluster.node,
      this.logger,
    );
    const boards = new ClusterBoards(
      this.nats,
      this.cluster.node,
      () => this.serving?.server.runtime.connections.snapshot(),
      () => this.leases?.liveAtLastTick ?? [],
      this.logger,
    );
    const server = await startServer(this.config, {
      ...this.extras,
      ownership: router,
      boardsElsewhere: boards,
      picturesElsewhere: this.picturesToGlobalOwner(),
      runtimeStore: (local) => {
        copy = local;
        return new ClusterStore(local, (busyTimeoutMs) => {
          writer = this.writerOf(local, busyTimeoutMs);
          return writer;
        });
      },
    }).catch((error: unknown) => {
      boards.stop();
      throw error;
    });
    if (writer === undefined || copy === undefined) throw new Error('The server opened no store writer.');
    const local = copy;
    router.serve(server.runtime);
    server.runtime.onShutdownRequested = () => void this.stop();
    const follower = new PartFollower(
      this.js,
      server.runtime,
      writer,
      this.applied,
      this.cluster.node,
      this.logger,
      (error) => this.startOver(`following the log failed: ${error.message}`),
    );
    writer.followed = () => follower.handled;
    const host = new ForwardHost(this.nats, this.cluster.node, router.host, this.logger, {
      applied: this.applied,
    });
    const copied = writer;
    const mirror = new BlobMirror(
      () => local,
      this.blobs,
      (blobs) => copied.storeCopied(blobs),
      this.logger,
    );
    this.serving = { server, writer, follower, host, router, boards, mirror, local };
    // Nothing is claimed until this copy has caught up (a start over begins caught up from before).
    this.caughtUp = false;
    this.leases = this.leasesFor(server.url);
    const end = (await this.stream.bounds()).last;
    follower.start(cursor);
    void follower.handledUpTo(end).then(() => (this.caughtUp = true));
    this.mirrorTimer = setInterval(
      () => void mirror.fetchMissing().catch(() => undefined),
      this.cluster.leaseMs / 4,
    );
    this.reports.role('serving', `serving at ${server.url}, log position ${cursor}`);
  }

  /**
   * Where a request of `part` goes: the holder the leases knew at their last look, then, when the request
   * is tried again (the holder may have changed), the holder the bucket names now. A session no node holds
   * (one this node's copy does not know yet, or none at all) goes to the global part's holder: it knows
   * every session, refuses a request naming none (its engine answers), and for a session not yet claimed
   * answers `NOT_OWNER`, so that the request is tried again.
   */
  private ownerLookup(part: string): () => Promise<LeaseHolder | undefined> {
    let tries = 0;
    const global = partKey(GLOBAL);
    return async () => {
      const known = tries++ === 0 ? this.leases?.holderOf(part) : undefined;
      const holder = known ?? (await this.leases?.lookUp(part));
      if (holder !== undefined || part === global) return holder;
      return this.leases?.holderOf(global) ?? (await this.leases?.lookUp(global));
    };
  }

  /** The node's leases, ticking from now on; its parts are claimed once its copy has caught up. */
  private leasesFor(url: string): PartLeases {
    const leases = new PartLeases(
      this.kv,
      { node: this.cluster.node, url },
      this.cluster.leaseMs,
      () => this.claimable(),
      {
        gained: (part, term) =>
          void this.gained(part, term).catch((error: unknown) =>
            this.startOver(`taking ${part} over failed: ${String(error)}`),
          ),
        handingOver: (part) => this.handingOver(part),
        lost: (part) => this.lost(part),
        failed: (what, error) => this.logger.warn({ err: error, what }, 'a lease request failed'),
      },
    );
    leases.start();
    return leases;
  }

  private writerOf(local: SqliteStore, busyTimeoutMs: number | undefined): PartsWriter {
    return new PartsWriter(
      this.log,
      new CommitWriter(local.path, busyTimeoutMs ?? BUSY_TIMEOUT_MS),
      this.cluster.node,
      new PeriodTracker(local.teamsAsLoaded()),
      this.blobs,
      this.logger,
      (error) => this.startOver(`an append failed: ${error.message}`),
      storedPositions(local),
    );
  }

  /** The parts to claim: none before the copy caught up; only the global part before ids are per session. */
  private claimable(): string[] {
    const runtime = this.serving?.server.runtime;
    if (!this.caughtUp || runtime === undefined) return [];
    const state = runtime.current;
    if (state.idSpace !== 'per-session') return [partKey(GLOBAL)];
    return [partKey(GLOBAL), ...[...state.tables.session.keys()].map((id) => partKey(sessionPart(id)))];
  }

  /**
   * A part's lease is this node's: append the marker (fencing the part's older owner), wait until the copy
   * has applied everything of the part before it, then step it — unless the lease was lost (or lost and
   * claimed again) meanwhile: then this takeover ends and the newer one, if any, decides.
   */
  private async gained(part: string, term: number): Promise<void> {
    const serving = this.serving;
    if (serving === undefined) return;
    const stillHeld = (): boolean => this.serving === serving && this.leases?.holds(part, term) === true;
    const marker = await takeOverPart(
      this.log,
      this.applied,
      { part, node: this.cluster.node, term, timeoutMs: this.cluster.leaseMs * 2 },
      {
        stillHeld,
        hold: (marker) => serving.writer.hold(part, term, marker),
        own: () => serving.router.own(part),
      },
    );
    if (marker === undefined) return;
    if (part === partKey(GLOBAL)) await this.becomeGlobalOwner(serving, term);
    this.reports.role('owner', `owns ${part}, term ${term}, log position ${marker}`);
  }

  /** Another node ranks first for `part`: stop stepping it and let its appends finish; the lease goes next. */
  private async handingOver(part: string): Promise<void> {
    const serving = this.serving;
    if (serving === undefined) return;
    serving.router.disown(part);
    await serving.writer.idle();
    serving.writer.release(part);
    if (part === partKey(GLOBAL)) this.stopGlobalDuties();
    this.reports.role('handed-over', `handed ${part} over`);
  }

  /** The lease of `part` was lost (not renewed in time): its appends are refused from now on. */
  private lost(part: string): void {
    const serving = this.serving;
    if (serving === undefined) return;
    serving.router.disown(part);
    serving.writer.release(part);
    if (part === partKey(GLOBAL)) this.stopGlobalDuties();
    this.reports.role('lost', `lost ${part}`);
  }

  /**
   * The global part's owner switches ids to per session once (CLUSTER-16: no session is claimed before),
   * drops picture bytes no picture names and sweeps the picture and snapshot buckets (CLUSTER-9,
   * CLUSTER-14). It takes the shared snapshots of its copy, named by the copy's position, and trims the
   * log through the oldest kept one but not past a live copy, keeping each part's last entry (CLUSTER-23).
   */
  private async becomeGlobalOwner(serving: Serving, term: number): Promise<void> {
    await partitionIds(serving.server.runtime, this.cluster.node, term);
    await serving.mirror.beforeServing();
    // Lost or handed over meanwhile: the duties stopped already, and must not start after.
    if (this.serving !== serving || this.leases?.holds(partKey(GLOBAL), term) !== true) return;
    this.stopGlobalDuties();
    const graceMs = this.cluster.leftoverGraceMs;
    this.sweepers = [
      new LeftoverSweeper(BLOB_BUCKET, () => this.blobs.sweepLeftovers(graceMs), graceMs, this.logger),
      new LeftoverSweeper(SNAPSHOT_BUCKET, () => this.snapshots.sweepLeftovers(), graceMs, this.logger),
    ];
    this.snapshotter = this.snapshots.startTaking(
      serving.writer,
      () => positionOf(serving.local),
      trimBehindCopies(this.log, this.kv),
    );
  }

  private stopGlobalDuties(): void {
    for (const sweeper of this.sweepers.splice(0)) sweeper.stop();
    this.snapshotter?.stop();
    this.snapshotter = undefined;
  }

  /** `/pictures` and `/metrics` of the engine's pictures go to the global part's owner (CLUSTER-9). */
  private picturesToGlobalOwner(): MiddlewareHandler<HttpEnv> {
    return async (c, next) => {
      const holder = this.leases?.holderOf(partKey(GLOBAL));
      if (holder?.node === this.cluster.node) return next();
      const owner: LeaseHolder | undefined =
        holder === undefined ? undefined : { node: holder.node, url: holder.url };
      return forwardToOwner(c, owner, { role: 'serving', node: this.cluster.node, owner: owner ?? null });
    };
  }

  /**
   * After a failed append or read: every part is given up, the server stops, and the node serves anew. A
   * start that fails (NATS not answering for a while, as after a server's loss) is cleaned up and tried
   * again, a little later each time, until it succeeds or the node stops: a node never stays without a
   * server.
   */
  private startOver(reason: string): void {
    if (this.stopping || this.restarting !== undefined) return;
    this.logger.warn({ reason }, 'starting over from the copy and the log');
    this.restarting = (async () => {
      await this.stopServing();
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          await this.serve();
          return;
        } catch (error) {
          this.logger.error({ err: error, attempt }, 'starting over failed: trying again');
          await this.stopServing().catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 5) * RESTART_PAUSE_MS));
        }
      }
    })()
      .catch((error: unknown) => this.logger.error({ err: error }, 'starting over failed'))
      .finally(() => (this.restarting = undefined));
  }

  private async stopServing(): Promise<void> {
    const serving = this.serving;
    this.serving = undefined;
    await this.leases?.stop();
    this.leases = undefined;
    clearInterval(this.mirrorTimer);
    this.stopGlobalDuties();
    if (serving === undefined) return;
    serving.follower.stop();
    serving.boards.stop();
    // Each step is told: a start over that does not come back says where it waits.
    this.logger.info('stopping: leases given up, forwarded requests being answered');
    await serving.host.stop();
    this.logger.info('stopping: forwarded requests answered, server shutting down');
    await serving.server.shutdown();
    this.logger.info('stopping: server shut down');
  }
}

/** The copy's stored position per part (meta `cluster:part:<part>`). */
function storedPositions(local: SqliteStore): Map<string, number> {
  return new Map(
    local
      .metaWithPrefix(partPositionKey(''))
      .map(([key, value]) => [key.slice(partPositionKey('').length), Number(value)]),
  );
}
