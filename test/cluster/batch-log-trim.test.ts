import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchLog, ensureBatchStream, LogTrimmedError } from '../../src/cluster/batch-log.js';
import { setUpPatiently } from '../../src/cluster/jetstream-errors.js';
import { removeTempDirs } from '../helpers/temp.js';
import { startNatsCluster, type NatsCluster } from './support/nats-cluster.js';

let nats: NatsCluster | undefined;
let nc: NatsConnection | undefined;

afterEach(async () => {
  await nc?.close();
  nc = undefined;
  await nats?.stop();
  nats = undefined;
  removeTempDirs();
});

/** A batch log on a fresh three-server cluster with `count` takeover markers appended. */
async function logWith(count: number): Promise<BatchLog> {
  nats = await startNatsCluster();
  nc = await connect({ servers: nats.urls.split(',') });
  const jsm = await jetstreamManager(nc);
  await setUpPatiently(() => ensureBatchStream(jsm, 3));
  const log = new BatchLog(jetstream(nc), jsm);
  for (let seq = 0; seq < count; seq++) await log.append({ kind: 'takeover', node: 'n', term: 1 }, seq);
  return log;
}

/** The sequences `read` delivers after `after`, through the log's end. */
async function readAfter(log: BatchLog, after: number): Promise<number[]> {
  const seqs: number[] = [];
  await log.read(after, await log.lastSequence(), (seq) => {
    seqs.push(seq);
    return Promise.resolve();
  });
  return seqs;
}

describe('the batch log trimmed behind a snapshot (CLUSTER-8)', { timeout: 60_000 }, () => {
  it('drops the entries through a position, keeps appending after the last, and never skips on a read', async () => {
    const log = await logWith(6);
    expect(await log.trimThrough(3)).toBe(3);
    expect(await log.bounds()).toEqual({ first: 4, last: 6 });
    expect(await readAfter(log, 3)).toEqual([4, 5, 6]);
    // A reader at position 1 would miss entries 2 and 3: it is told, not handed 4 onwards.
    await expect(readAfter(log, 1)).rejects.toBeInstanceOf(LogTrimmedError);
    // The expected-last-sequence check still sees the last entry, trimmed or not.
    expect(await log.append({ kind: 'takeover', node: 'n', term: 2 }, 6)).toBe(7);
    expect(await log.trimThrough(7)).toBe(4);
    expect(await log.bounds()).toEqual({ first: 8, last: 7 });
    expect(await log.append({ kind: 'takeover', node: 'n', term: 3 }, 7)).toBe(8);
  });
});
