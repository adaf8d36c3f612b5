import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/client.js';
import { BATCH_STREAM } from '../../src/cluster/batch-log.js';
import { subjectOf, type PartEntry } from '../../src/cluster/part-log.js';
import { SnapshotStore } from '../../src/cluster/snapshot-store.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { clusterDataDirs, TEST_LEASE_MS, urlClient, type NodeProcess } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { notOnceIn, type TeamLoad } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';
import {
  holders,
  partWriterProblems,
  startPartsNode,
  teamLoads,
  teamNames,
  withOutputs,
} from './support/parts.js';
import { journaledTeams } from './support/watched.js';

/** A snapshot every 20 log entries, so that a few seconds of load make several and trim the log. */
const SNAPSHOTS = { TRUINLAG_SNAPSHOT_EVERY: '20' };
const SESSIONS = 4;
/** How many entries the follower's consumer asks for at a time (the library's default). */
const FOLLOWER_PULL = 100;

const run = clusterRunPerTest();

const kept = run.keep;

/** The stream's state and the snapshots in the bucket, as a NATS client sees them. */
interface LogView {
  readonly first: number;
  readonly last: number;
  readonly messages: number;
  /** Snapshot positions, newest first. */
  readonly snapshots: number[];
  /** Per part that has entries, the sequence of its last entry still in the stream. */
  readonly lastOf: Map<string, number>;
}

async function logView(urls: string, parts: readonly string[]): Promise<LogView> {
  const nc = await connect({ servers: urls.split(',') });
  try {
    const js = jetstream(nc, { timeout: 5_000 });
    const jsm = await jetstreamManager(nc, { timeout: 5_000, checkAPI: false });
    const { state } = await jsm.streams.info(BATCH_STREAM);
    const snapshots = (await (await SnapshotStore.open(js, 3)).list()).map((s) => s.position);
    const lastOf = new Map<string, number>();
    for (const part of parts) {
      const last = await jsm.streams.getMessage(BATCH_STREAM, { last_by_subj: subjectOf(part) });
      if (last !== null) lastOf.set(part, last.seq);
    }
    return { first: state.first_seq, last: state.last_seq, messages: state.messages, snapshots, lastOf };
  } finally {
    await nc.close();
  }
}

/**
 * Every entry of the batch stream as it is appended, read from its start before anything is trimmed: the
 * whole history, for checking the parts' writers after the stream lost most of it. A sequence skipped
 * (trimmed before it was read) is recorded as a gap.
 */
class LogRecorder {
  readonly entries: { seq: number; entry: PartEntry }[] = [];
  readonly gaps: string[] = [];
  private messages: ConsumerMessages | undefined;
  private reading: Promise<void> = Promise.resolve();

  private constructor(private readonly nc: NatsConnection) {}

  static async start(urls: string): Promise<LogRecorder> {
    const recorder = new LogRecorder(await connect({ servers: urls.split(',') }));
    const consumer = await jetstream(recorder.nc).consumers.get(BATCH_STREAM, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: 1,
    });
    recorder.messages = await consumer.consume({ expires: 2_000 });
    recorder.reading = recorder.read(recorder.messages);
    return recorder;
  }

  /** The last sequence recorded. */
  get last(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.reading;
    await this.nc.close();
  }

  private async read(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      if (message.seq !== this.last + 1) this.gaps.push(`${this.last} → ${message.seq}`);
      this.entries.push({ seq: message.seq, entry: message.json<PartEntry>() });
    }
  }
}

/** Three parts nodes taking snapshots, `count` sessions on them, and a recorder of the whole log. */
async function snapshottingCluster(
  count: number,
  env: Record<string, string> = {},
): Promise<{
  natsUrls: string;
  adminToken: string;
  sessions: number[];
  parts: string[];
  recorder: LogRecorder;
}> {
  run.nats = await startNatsCluster();
  const natsUrls = run.nats.urls;
  const { dirs, adminToken } = clusterDataDirs(3);
  run.nodes = await Promise.all(
    dirs.map((dir, i) => startPartsNode(`node-${i + 1}`, dir, natsUrls, { ...SNAPSHOTS, ...env })),
  );
  await holders(run.nodes, ['global'], 60_000);
  // The nodes made the stream; a few entries in, nothing is trimmed yet.
  const recorder = await LogRecorder.start(natsUrls);
  const admin = kept(
    urlClient(
      run.nodes.map((n) => n.url),
      { token: adminToken, clientId: 'setup-admin', broadcasts: false },
    ),
  );
  const sessions: number[] = [];
  for (let i = 0; i < count; i++)
    sessions.push((await admin.request({ type: 'session.add', name: `P${i}` })).id);
  const parts = ['global', ...sessions.map((s) => `session:${s}`)];
  await holders(run.nodes, parts);
  return { natsUrls, adminToken, sessions, parts, recorder };
}

/** Waits until the stream was trimmed through `past` (a snapshot beyond it, fewer messages than appended). */
function trimmedPast(natsUrls: string, parts: readonly string[], past: number): Promise<LogView> {
  return waitFor(
    async () => {
      const view = await logView(natsUrls, parts);
      const oldestKept = view.snapshots.at(-1) ?? 0;
      return oldestKept > past && view.messages < view.last - past ? view : undefined;
    },
    90_000,
    `the log trimmed past sequence ${past}`,
    250,
  ).catch(withOutputs(run.nodes));
}

/** Each acknowledged team of each load, not exactly once in its session as read through `client`. */
async function notOnceThrough(client: TruinlagClient, loads: readonly TeamLoad[]): Promise<string[]> {
  const problems: string[] = [];
  for (const load of loads)
    for (const name of notOnceIn(
      load.acks.map((a) => a.name),
      await teamNames(client, load.session),
    ))
      problems.push(`session ${load.session}: ${name}`);
  return problems;
}

/** Each acknowledged team not exactly once in the journal of a stopped node's copy. */
function notOnceJournaled(dataDir: string, loads: readonly TeamLoad[]): string[] {
  return loads.flatMap((load) =>
    notOnceIn(
      load.acks.map((a) => a.name),
      journaledTeams(dataDir, load.session),
    ).map((problem) => `session ${load.session}: ${problem}`),
  );
}

/**
 * Waits until `node` (back after a stop or a freeze) holds again every part it held (`owners`) by
 * hand-over, within `ms`, and every load was served three times since.
 */
async function handedBack(
  node: NodeProcess,
  owners: ReadonlyMap<string, NodeProcess>,
  parts: readonly string[],
  loads: readonly TeamLoad[],
  ms: number,
): Promise<void> {
  await waitFor(
    async () => {
      const now = await holders(run.nodes, parts);
      return parts.every((p) => owners.get(p) !== node || now.get(p) === node);
    },
    ms,
    `${node.name} holding its parts again`,
  ).catch(withOutputs(run.nodes));
  const backAt = Date.now();
  await waitFor(
    () => loads.every((l) => l.acks.filter((a) => a.sentAt >= backAt).length >= 3),
    30_000,
    `every session served once ${node.name} is back`,
  ).catch(withOutputs(run.nodes));
}

/**
 * Checks that `node`'s copy equals `other`'s (read through each) and holds every acknowledged team once,
 * also in its journal once stopped, and that the recorded log has no gap and never two writers of a part.
 */
async function sameCopyAsOthers(
  node: NodeProcess,
  other: NodeProcess,
  {
    loads,
    sessions,
    token,
    recorder,
  }: {
    loads: readonly TeamLoad[];
    sessions: readonly number[];
    token: string;
    recorder: LogRecorder;
  },
): Promise<void> {
  const through = (n: NodeProcess): TruinlagClient =>
    kept(urlClient([n.url], { token, clientId: `via-${n.name}`, broadcasts: false }));
  const viaNode = through(node);
  const viaOther = through(other);
  expect(await notOnceThrough(viaNode, loads)).toEqual([]);
  for (const session of sessions)
    expect((await teamNames(viaNode, session)).sort()).toEqual((await teamNames(viaOther, session)).sort());
  node.signal('SIGTERM');
  await node.exited;
  expect(notOnceJournaled(node.dataDir, loads)).toEqual([]);
  expect(recorder.gaps).toEqual([]);
  expect(partWriterProblems(recorder.entries)).toEqual([]);
}

describe('snapshots and a trimmed log with sessions owned apart', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-23] the global part’s holder takes snapshots and trims the log, keeping each part’s last entry so that fencing still works; a node started empty afterwards loads a snapshot and serves the whole state', async () => {
    const { natsUrls, adminToken, sessions, parts, recorder } = await snapshottingCluster(SESSIONS);
    const urls = run.nodes.map((n) => n.url);
    const loads = teamLoads(kept, { urls, token: adminToken, sessions, tag: 't' });
    const trimmed = await trimmedPast(natsUrls, parts, 100);
    console.info(
      `after the trim: first ${trimmed.first}, last ${trimmed.last}, ${trimmed.messages} messages, snapshots at ${JSON.stringify(trimmed.snapshots)}`,
    );
    // The trim kept older entries (each part's last): the stream's first sequence is before the trim point.
    expect(trimmed.first).toBeLessThan(trimmed.snapshots.at(-1) as number);

    // The loads go on after the trim: each holder's next append still finds its part's last entry.
    const trimmedAt = Date.now();
    await waitFor(
      () => loads.every((l) => l.acks.filter((a) => a.sentAt >= trimmedAt).length >= 5),
      30_000,
      'every session served after the trim',
    ).catch(withOutputs(run.nodes));

    // A fourth node with an empty data directory: a snapshot, then the log from its position.
    const [emptyDir] = clusterDataDirs(1, run.nodes[0]?.dataDir).dirs as [string];
    const fresh = await startPartsNode('node-4', emptyDir, natsUrls, {
      ...SNAPSHOTS,
      TRUINLAG_LOG_LEVEL: 'info',
    });
    run.nodes.push(fresh);
    await waitFor(() => fresh.roles.includes('serving'), 60_000, 'the fourth node serving').catch(
      withOutputs(run.nodes),
    );
    expect(fresh.output()).toMatch(/"msg":"snapshot downloaded"/);
    // Some sessions move to it (it ranks first for them): the loads go on through the hand-over.
    const joinedAt = Date.now();
    await waitFor(
      () => loads.every((l) => l.acks.filter((a) => a.sentAt >= joinedAt).length >= 5),
      30_000,
      'every session served after the fourth node joined',
    ).catch(withOutputs(run.nodes));
    await Promise.all(loads.map((l) => l.stop()));
    // Each part's last entry is still in the stream, however far it was trimmed.
    const end = await logView(natsUrls, parts);
    await waitFor(() => recorder.last >= end.last, 30_000, 'the recorder reading the whole log');
    await recorder.stop();
    const recordedLast = new Map(recorder.entries.map(({ seq, entry }) => [entry.part, seq]));
    expect(end.lastOf).toEqual(new Map(parts.map((part) => [part, recordedLast.get(part)])));
    // The entries up to 100 stay trimmed (but for at most one per subject): the log did not grow back.
    expect(end.messages).toBeLessThanOrEqual(end.last - 100 + parts.length + 1);

    const viaFresh = kept(
      urlClient([fresh.url], { token: adminToken, clientId: 'via-fresh', broadcasts: false }),
    );
    expect(await notOnceThrough(viaFresh, loads)).toEqual([]);
    // Its own copy holds every acknowledged team once: read from its journal after it stopped.
    fresh.signal('SIGTERM');
    await fresh.exited;
    expect(notOnceJournaled(emptyDir, loads)).toEqual([]);
    expect(recorder.gaps).toEqual([]);
    expect(partWriterProblems(recorder.entries)).toEqual([]);
  });

  it('[CLUSTER-23] a node stopped while the log is trimmed past its copy catches up through a snapshot when started again, and its copy equals the others', async () => {
    const { natsUrls, adminToken, sessions, parts, recorder } = await snapshottingCluster(SESSIONS);
    const owners = await holders(run.nodes, parts);
    // A node not holding the global part is stopped; the clients talk to the two others meanwhile.
    const stopped = run.nodes.find((n) => n !== owners.get('global')) as NodeProcess;
    const others = run.nodes.filter((n) => n !== stopped);
    const early = teamLoads(kept, {
      urls: run.nodes.map((n) => n.url),
      token: adminToken,
      sessions,
      tag: 'e',
    });
    await waitFor(() => early.every((l) => l.acks.length >= 5), 30_000, 'early requests in every session');
    await Promise.all(early.map((l) => l.stop()));
    stopped.signal('SIGTERM');
    await stopped.exited;
    const stoppedAt = (await logView(natsUrls, parts)).last;

    const late = teamLoads(kept, { urls: others.map((n) => n.url), token: adminToken, sessions, tag: 'l' });
    await trimmedPast(natsUrls, parts, stoppedAt + 20);
    const again = await startPartsNode(stopped.name, stopped.dataDir, natsUrls, {
      ...SNAPSHOTS,
      TRUINLAG_LOG_LEVEL: 'info',
    });
    run.nodes = [...others, again];
    await waitFor(() => again.roles.includes('serving'), 60_000, 'the restarted node serving').catch(
      withOutputs(run.nodes),
    );
    expect(again.output()).toMatch(/"msg":"snapshot downloaded"/);
    // It gets its sessions back by hand-over; the loads go on.
    const ownersAgain = new Map([...owners].map(([part, n]) => [part, n === stopped ? again : n]));
    await handedBack(again, ownersAgain, parts, late, TEST_LEASE_MS * 15);
    await Promise.all(late.map((l) => l.stop()));
    await recorder.stop();
    const loads = [...early, ...late];
    await sameCopyAsOthers(again, others[0] as NodeProcess, { loads, sessions, token: adminToken, recorder });
  });

  it('[CLUSTER-23] a node frozen while the log is trimmed past its copy meets the gap when thawed, starts over from a snapshot, and its copy equals the others', async () => {
    const { natsUrls, adminToken, sessions, parts, recorder } = await snapshottingCluster(SESSIONS, {
      TRUINLAG_LOG_LEVEL: 'info',
    });
    const owners = await holders(run.nodes, parts);
    // A node not holding the global part is frozen; the clients talk to the two others.
    const frozen = run.nodes.find((n) => n !== owners.get('global')) as NodeProcess;
    const others = run.nodes.filter((n) => n !== frozen);
    const loads = teamLoads(kept, { urls: others.map((n) => n.url), token: adminToken, sessions, tag: 'z' });
    await waitFor(() => loads.every((l) => l.acks.length >= 5), 30_000, 'requests in every session');
    frozen.signal('SIGSTOP');
    const frozenAt = (await logView(natsUrls, parts)).last;
    // Its copy's position ages out of the lease bucket a lease later; then the trim passes it. The server
    // still sends a frozen consumer what its last pull asked for (up to 100 entries, kept in the socket
    // until it thaws): the trim must pass those too, or the thawed node reads on without a gap.
    await trimmedPast(natsUrls, parts, frozenAt + FOLLOWER_PULL + 20);
    frozen.signal('SIGCONT');
    const thawedAt = frozen.output().length;
    await waitFor(
      () => /"msg":"snapshot downloaded"/.test(frozen.output().slice(thawedAt)),
      60_000,
      'the thawed node loading a snapshot',
    ).catch(withOutputs(run.nodes));
    // It starts over either way it learns of the trim: its follower meets the gap, or — when it was
    // frozen with an append of its own under way — that append is fenced first.
    expect(frozen.output().slice(thawedAt)).toMatch(
      /following the log failed: The batch log was trimmed|"reason":"an append failed: .*fenced off\.","msg":"starting over from the copy and the log"/,
    );
    // It serves again and gets its sessions back by hand-over; the loads go on.
    await handedBack(frozen, owners, parts, loads, TEST_LEASE_MS * 20);
    await Promise.all(loads.map((l) => l.stop()));
    await recorder.stop();
    await sameCopyAsOthers(frozen, others[0] as NodeProcess, {
      loads,
      sessions,
      token: adminToken,
      recorder,
    });
  });
});
