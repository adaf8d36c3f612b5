import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/protocol/commands/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { FrameKind, Peer } from '../../src/runtime/peer.js';
import { pictureJobs } from '../../src/runtime/picture-jobs.js';
import type { JobRunner, JobRunners } from '../../src/runtime/jobs.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { Inbox, removeTempDirs, tempDir } from '../helpers/index.js';
import { makeImage } from './support.js';

/**
 * The runtime's side of picture jobs, with a real store: a job whose runner fails or is missing still
 * answers the uploader (it used to wait forever), and nothing is stored.
 */

class MemoryPeer implements Peer {
  readonly inbox = new Inbox();
  readonly actor = { kind: 'admin' } as const;
  readonly session = null;
  private nextId = 1;

  constructor(
    private readonly runtime: Runtime,
    readonly id: string,
  ) {
    runtime.attach(this);
  }

  send(frame: string, _kind: FrameKind): void {
    this.inbox.receive(frame);
  }

  close(): void {}

  async answer(command: Command, session?: number): Promise<unknown> {
    const id = `${this.id}-${this.nextId++}`;
    this.runtime.submit({
      source: 'client',
      peer: this,
      reply: { clientKey: `admin/${this.id}`, requestId: id },
      command,
      session,
    });
    return await this.inbox.answer(id);
  }
}

const logger = pino({ level: 'silent' });
const runtimes: Runtime[] = [];

function openRuntime(jobs?: Partial<JobRunners>): { runtime: Runtime; store: SqliteStore } {
  const store = SqliteStore.open(tempDir());
  const runtime = new Runtime({ store, clock: new FakeClock(), logger, ...(jobs ? { jobs } : {}) });
  runtimes.push(runtime);
  return { runtime, store };
}

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.shutdown(100)));
  removeTempDirs();
});

/** A session with one team (id 1), through the runtime. */
async function withTeam(runtime: Runtime): Promise<MemoryPeer> {
  const peer = new MemoryPeer(runtime, 'admin-1');
  const session = (await peer.answer({ type: 'session.add', name: 'S' })) as { result: { id: number } };
  expect(await peer.answer({ type: 'team.add', name: 'Alpha' }, session.result.id)).toMatchObject({
    ok: true,
    result: { id: 1 },
  });
  return peer;
}

describe('picture jobs in the runtime', () => {
  it('a picture job that fails answers the uploader with INTERNAL; nothing is stored', async () => {
    const failing: JobRunner<'picture'> = () => Promise.reject(new Error('decoder exploded'));
    const { runtime } = openRuntime({ picture: failing });
    const peer = await withTeam(runtime);
    const team = { kind: 'team', team: 1 } as const;
    const answer = await peer.answer({ type: 'picture.upload', target: team, data: 'AAAA' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(runtime.current.tables.picture.size).toBe(0);
  });

  it('without a runner for the job the uploader is answered too', async () => {
    const { runtime } = openRuntime();
    const peer = await withTeam(runtime);
    const answer = await peer.answer({
      type: 'picture.upload',
      target: { kind: 'team', team: 1 },
      data: (await makeImage('png', 20, 20)).toString('base64'),
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('[PICTURE-4] with the real picture jobs, the bytes are stored under their sha-256 and the record names them', async () => {
    const store = SqliteStore.open(tempDir());
    const uploads = tempDir();
    const runtime: Runtime = new Runtime({
      store,
      clock: new FakeClock(),
      logger,
      jobs: pictureJobs({ store, storeBlobs: (blobs) => runtime.writer.storeBlobs(blobs), uploads }),
    });
    runtimes.push(runtime);
    const peer = await withTeam(runtime);
    const answer = (await peer.answer({
      type: 'picture.upload',
      target: { kind: 'team', team: 1 },
      data: (await makeImage('jpeg', 64, 48)).toString('base64'),
    })) as { ok: boolean; result: { id: number; bytes: number; thumb: { bytes: number } } };
    expect(answer.ok).toBe(true);
    const { id, bytes, thumb } = answer.result;
    const record = runtime.current.tables.picture.get(id);
    expect(store.blobInfo(`picture/${record?.sha256}`)).toMatchObject({ mime: 'image/jpeg', size: bytes });
    expect(store.blobInfo(`picture/${record?.thumb.sha256}`)).toMatchObject({
      mime: 'image/jpeg',
      size: thumb.bytes,
    });
    expect(store.readBlob(`picture/${record?.sha256}`, 0, 3)?.toString('hex')).toBe('ffd8ff');
  });
});
