import { describe, expect, it } from 'vitest';
import { BatchLog, FencedError } from '../../src/cluster/batch-log.js';
import { subjectOf, type PartEntry, type PartLog } from '../../src/cluster/part-log.js';
import { partLogsPerTest } from './support/part-logs.js';

const logs = partLogsPerTest();

/** A part log over the test's cluster's batch stream, for one node (its own connection). */
async function partLog(urls: string): Promise<PartLog> {
  return (await logs.open(urls)).log;
}

/** One owner of some parts: appends its batches, each expecting the sequence of its previous one. */
class PartOwner {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly log: PartLog,
    readonly node: string,
  ) {}

  async takeOver(part: string, term: number): Promise<void> {
    this.last.set(part, await this.log.takeOver(part, this.node, term));
  }

  async append(part: string, term: number, batch: string): Promise<number> {
    const seq = await this.log.append(
      { kind: 'batch', node: this.node, term, part, batch },
      this.last.get(part) ?? 0,
    );
    this.last.set(part, seq);
    return seq;
  }
}

/** Every entry of the stream, in order. */
async function entries(log: PartLog, until: number): Promise<{ seq: number; entry: PartEntry }[]> {
  const read: { seq: number; entry: PartEntry }[] = [];
  await log.read(0, until, (seq, entry) => {
    read.push({ seq, entry });
    return Promise.resolve();
  });
  return read;
}

/**
 * Problems with each part's writers: a part's terms never go down, each term is one node's and starts
 * with its marker (so no two nodes' terms interleave within a part).
 */
function writerProblems(read: readonly { seq: number; entry: PartEntry }[]): string[] {
  const problems: string[] = [];
  const termOf = new Map<string, { term: number; node: string }>();
  for (const { seq, entry } of read) {
    const current = termOf.get(entry.part) ?? { term: 0, node: '' };
    if (entry.term < current.term)
      problems.push(`#${seq} ${entry.part}: term ${entry.term} after ${current.term}`);
    if (entry.term > current.term && entry.kind !== 'takeover')
      problems.push(`#${seq} ${entry.part}: term ${entry.term} starts without a marker`);
    if (entry.term === current.term && entry.node !== current.node)
      problems.push(`#${seq} ${entry.part}: term ${entry.term} written by ${current.node} and ${entry.node}`);
    if (entry.term >= current.term) termOf.set(entry.part, { term: entry.term, node: entry.node });
  }
  return problems;
}

describe('the batch log per part (CLUSTER-19)', { timeout: 60_000 }, () => {
  it('CLUSTER-19: a takeover marker fences the old owner of its part only', async () => {
    const urls = await logs.start();
    const x = new PartOwner(await partLog(urls), 'x');
    const yLog = await partLog(urls);
    const y = new PartOwner(yLog, 'y');
    expect(subjectOf('session:1')).toBe('truinlag.batches.session.1');
    expect(subjectOf('global')).toBe('truinlag.batches.global');

    await x.takeOver('session:1', 10);
    await x.takeOver('session:2', 11);
    await y.takeOver('global', 12);
    await x.append('session:1', 10, '{"a":1}');
    await x.append('session:2', 11, '{"b":1}');
    await y.append('global', 12, '{"g":1}');
    const xLast = await x.append('session:1', 10, '{"a":2}');
    expect(await yLog.lastOnSubject('session:1')).toBe(xLast);
    expect(await yLog.lastOnSubject('session:3')).toBe(0);

    // Y takes session 1 over: X's next append to it (expecting its own last one) is refused ...
    await y.takeOver('session:1', 20);
    await expect(x.append('session:1', 10, '{"a":3}')).rejects.toBeInstanceOf(FencedError);
    // ... while X keeps appending to session 2, and appends to other parts never fence Y.
    await x.append('session:2', 11, '{"b":2}');
    await y.append('session:1', 20, '{"a":4}');
    await y.append('global', 12, '{"g":2}');
    const last = await x.append('session:2', 11, '{"b":3}');
    // An append expecting an empty subject is refused once the subject has entries.
    await expect(
      yLog.append({ kind: 'batch', node: 'y', term: 20, part: 'session:2', batch: '{}' }, 0),
    ).rejects.toBeInstanceOf(FencedError);

    const read = await entries(yLog, last);
    expect(writerProblems(read)).toEqual([]);
    expect(
      read.map(({ entry }) => (entry.kind === 'batch' ? entry.batch : `${entry.node}@${entry.part}`)),
    ).toEqual([
      'x@session:1',
      'x@session:2',
      'y@global',
      '{"a":1}',
      '{"b":1}',
      '{"g":1}',
      '{"a":2}',
      'y@session:1',
      '{"b":2}',
      '{"a":4}',
      '{"g":2}',
      '{"b":3}',
    ]);
  });

  it('CLUSTER-19: an append retried under its message id is stored once, and the engine log still reads', async () => {
    const urls = await logs.start();
    const log = await partLog(urls);
    const marker = await log.takeOver('session:7', 'x', 3);
    const batch: PartEntry = { kind: 'batch', node: 'x', term: 3, part: 'session:7', batch: '{"n":1}' };
    const first = await log.append(batch, marker);
    // The same append again (what a retry after a lost answer sends): answered with the first's sequence.
    expect(await log.append(batch, marker)).toBe(first);
    expect((await entries(log, first)).map(({ seq }) => seq)).toEqual([marker, first]);
    expect(await log.lastOnSubject('session:7')).toBe(first);

    // The engine's single-lease log (same stream, its own subject) appends and reads as before.
    const { js, jsm } = await logs.open(urls);
    const engine = new BatchLog(js, jsm);
    expect(await engine.append({ kind: 'takeover', node: 'x', term: 4 }, first)).toBe(first + 1);
    await expect(engine.append({ kind: 'takeover', node: 'y', term: 5 }, first)).rejects.toBeInstanceOf(
      FencedError,
    );
  });

  it('CLUSTER-19: a trim keeps the last entry of each part, so that its owner appends on and an old owner stays fenced', async () => {
    const urls = await logs.start();
    const log = await partLog(urls);
    const x = new PartOwner(log, 'x');
    const y = new PartOwner(log, 'y');
    await x.takeOver('session:1', 1);
    await x.append('session:1', 1, '{"a":1}');
    await y.takeOver('session:1', 2);
    await y.append('session:1', 2, '{"a":2}');
    await x.takeOver('session:2', 3);
    for (let i = 0; i < 3; i++) await x.append('session:2', 3, `{"b":${i}}`);
    const end = await x.append('session:2', 3, '{"b":3}');

    // Everything is trimmed but the last entry of session 1 (y's) and of session 2 (x's last).
    expect(await log.trimThrough(end)).toBe(end - 2);
    await y.append('session:1', 2, '{"a":3}');
    await x.append('session:2', 3, '{"b":4}');
    await expect(x.append('session:1', 1, '{"a":4}')).rejects.toBeInstanceOf(FencedError);
    await expect(
      log.append({ kind: 'batch', node: 'z', term: 4, part: 'session:1', batch: '{}' }, 0),
    ).rejects.toBeInstanceOf(FencedError);
  });
});
