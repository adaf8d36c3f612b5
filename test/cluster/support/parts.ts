import { readFileSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { BatchLog } from '../../../src/cluster/batch-log.js';
import type { PartEntry } from '../../../src/cluster/part-log.js';
import type { TruinlagClient } from '../../../src/client/client.js';
import { decodeReplicated } from '../../../src/runtime/replicated.js';
import { TruinlagError } from '../../../src/client/errors.js';
import { waitFor } from '../../helpers/wait.js';
import { clientStartingOn, startNode, TEST_LEASE_MS, type NodeProcess } from './cluster-nodes.js';
import { TeamLoad } from './load.js';

/** A node of a cluster whose parts are owned apart (`--ownership parts`, CLUSTER-22). */
export function startPartsNode(
  name: string,
  dataDir: string,
  natsUrls: string,
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  return startNode(name, dataDir, natsUrls, { TRUINLAG_OWNERSHIP: 'parts', ...env });
}

/**
 * The parts a node holds now, as it printed them: `owns <part>` adds one, `handed <part> over` and
 * `lost <part>` take it away (whole lines only).
 */
export function heldParts(node: NodeProcess): Set<string> {
  const held = new Set<string>();
  if (node.child.exitCode !== null || node.child.signalCode !== null) return held;
  const output = node.output();
  const lines = output.slice(0, output.lastIndexOf('\n') + 1);
  for (const [, verb, part] of lines.matchAll(
    /^node \S+ (owner: owns|handed-over: handed|lost: lost) ([^\s,]+)/gm,
  ))
    if (verb === 'owner: owns') held.add(part as string);
    else held.delete(part as string);
  return held;
}

/**
 * The tail of what each node printed (for a failure on a loaded machine), with its process's state as
 * Linux tells it (`S` sleeping, `R` running, `T` stopped, …).
 */
export function outputsOf(nodes: readonly NodeProcess[]): string {
  return nodes
    .map((n) => `--- ${n.name} (state ${processState(n.child.pid)})\n${n.output().slice(-4_000)}`)
    .join('\n');
}

/** A process's state letter from /proc (`?` when it is gone or there is no /proc). */
function processState(pid: number | undefined): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? '?';
  } catch {
    return '?';
  }
}

/** A failed wait's error, with the tail of what each node printed. */
export function withOutputs(nodes: readonly NodeProcess[]): (error: unknown) => never {
  return (error) => {
    throw new Error(`${String(error)}\n${outputsOf(nodes)}`);
  };
}

/** Which live node holds each part, once every one of `parts` has exactly one holder. */
export function holders(
  nodes: readonly NodeProcess[],
  parts: readonly string[],
  timeoutMs = TEST_LEASE_MS * 10,
): Promise<Map<string, NodeProcess>> {
  return waitFor(
    () => {
      const holding = new Map<string, NodeProcess[]>();
      for (const node of nodes)
        for (const part of heldParts(node)) holding.set(part, [...(holding.get(part) ?? []), node]);
      if (!parts.every((part) => holding.get(part)?.length === 1)) return undefined;
      return new Map(parts.map((part) => [part, (holding.get(part) as NodeProcess[])[0] as NodeProcess]));
    },
    timeoutMs,
    `one holder for each of ${parts.length} parts`,
    50,
  ).catch(withOutputs(nodes));
}

/**
 * The names of a session's teams, read through any node. `OWNER_UNAVAILABLE` (the session's lease changing
 * hands, as after a NATS server's loss) is retryable: it is tried again for up to 30 s.
 */
export async function teamNames(admin: TruinlagClient, session: number): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { teams } = await admin.request({ type: 'session.state' }, { session });
      return teams.map((t) => t.name);
    } catch (error) {
      if (!(error instanceof TruinlagError) || error.code !== 'OWNER_UNAVAILABLE' || Date.now() > deadline)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Every part entry of the batch stream, in order, with its sequence. Patient: after a NATS server's loss a
 * request can be lost for a while (it is tried again, up to five times).
 */
export async function partEntries(urls: string): Promise<{ seq: number; entry: PartEntry }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readPartEntries(urls);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

async function readPartEntries(urls: string): Promise<{ seq: number; entry: PartEntry }[]> {
  const nc = await connect({ servers: urls.split(',') });
  try {
    const js = jetstream(nc, { timeout: 5_000 });
    const log = new BatchLog(js, await jetstreamManager(nc, { timeout: 5_000, checkAPI: false }));
    const entries: { seq: number; entry: PartEntry }[] = [];
    await log.read(0, await log.lastSequence(), (seq, entry) => {
      if ('part' in entry) entries.push({ seq, entry: entry as unknown as PartEntry });
      return Promise.resolve();
    });
    return entries;
  } finally {
    await nc.close();
  }
}

/**
 * Problems with each part's writers in the log: a part's terms (its lease revisions) never go down, each
 * term is one node's, and each term starts with that node's takeover marker — so no part ever had two
 * writers at once. And no batch moves an id counter back: a holder that stepped on a copy missing an
 * earlier holder's entries hands out their ids again, and its rows replace theirs in every copy.
 */
export function partWriterProblems(entries: readonly { seq: number; entry: PartEntry }[]): string[] {
  const problems: string[] = [];
  const terms = new Map<string, { term: number; node: string }>();
  const counters = new Map<string, number>();
  for (const { seq, entry } of entries) {
    const current = terms.get(entry.part);
    if (entry.kind === 'takeover') {
      if (current !== undefined && entry.term <= current.term)
        problems.push(`#${seq} ${entry.part}: marker of term ${entry.term} after term ${current.term}`);
      terms.set(entry.part, { term: entry.term, node: entry.node });
      continue;
    }
    problems.push(...countersMovedBack(seq, entry, counters));
    if (current === undefined) problems.push(`#${seq} ${entry.part}: a batch before any marker`);
    else if (current.term !== entry.term || current.node !== entry.node)
      problems.push(
        `#${seq} ${entry.part}: ${entry.node} term ${entry.term} wrote in ${current.node}'s term ${current.term}`,
      );
  }
  return problems;
}

/** The id counters a batch sets at or below where earlier batches had them (kept per table and session). */
function countersMovedBack(
  seq: number,
  entry: Extract<PartEntry, { kind: 'batch' }>,
  counters: Map<string, number>,
): string[] {
  const problems: string[] = [];
  for (const write of decodeReplicated(entry.batch).writes) {
    if (write.op !== 'nextId') continue;
    const key = `${write.table}:${write.session ?? 'shared'}`;
    const before = counters.get(key) ?? 0;
    if (write.next <= before)
      problems.push(
        `#${seq} ${entry.part}: ${entry.node} term ${entry.term} set ${key} to ${write.next} after ${before}`,
      );
    counters.set(key, Math.max(before, write.next));
  }
  return problems;
}

/** The pause between a load's requests, unless a test says otherwise. */
export const LOAD_PAUSE_MS = 50;

/**
 * A team load in each session, from an admin client starting on each of `urls` in turn (`keep` closes it
 * after the test), sending one request every `pauseMs`.
 */
export function teamLoads(
  keep: (client: TruinlagClient) => TruinlagClient,
  {
    urls,
    token,
    sessions,
    tag,
    pauseMs = LOAD_PAUSE_MS,
  }: {
    urls: readonly string[];
    token: string;
    sessions: readonly number[];
    tag: string;
    pauseMs?: number;
  },
): TeamLoad[] {
  return sessions.map((session, i) => {
    const loader = clientStartingOn(urls[i % urls.length] as string, urls, {
      token,
      clientId: `${tag}-loader-${i}`,
      broadcasts: false,
    });
    return new TeamLoad(keep(loader), session, tag, pauseMs);
  });
}
