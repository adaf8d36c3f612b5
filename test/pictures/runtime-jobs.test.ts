import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/protocol/commands/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { FrameKind, Peer } from '../../src/runtime/peer.js';
import { PassphraseSealer } from '../../src/runtime/passphrase.js';
import { pictureJobs } from '../../src/runtime/picture-jobs.js';
import type { JobRunner, JobRunners } from '../../src/runtime/jobs.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { freeBytesOf } from '../../src/store/disk-space.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { Inbox, removeTempDirs, tempDir } from '../helpers/index.js';
import { makeImage } from './support.js';

/**
 * The runtime's side of picture jobs, with a real store: a job whose runner fails or is missing still
 * answers the uploader (it used to wait forever), and nothing is stored.
 */

/** The disk as the server sees it, with the default reserve (`reserve` to ask for more than is free). */
const onDisk = (dir: string, reserve = 0) => ({
  freeDiskBytes: () => freeBytesOf(dir),
  diskReserveBytes: reserve,
});

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
      jobs: pictureJobs({
        ...onDisk(uploads),
        store,
        storeBlobs: (blobs) => runtime.storeBlobs(blobs),
        uploads,
      }),
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

  it('[PICTURE-10] a picture that would leave less free disk than the reserve is refused PICTURE_LIMIT, and nothing is stored', async () => {
    const store = SqliteStore.open(tempDir());
    const uploads = tempDir();
    // A reserve larger than the free space of this very disk: no picture may be stored.
    const reserve = freeBytesOf(uploads) + 1024 ** 3;
    const runtime: Runtime = new Runtime({
      store,
      clock: new FakeClock(),
      logger,
      jobs: pictureJobs({
        ...onDisk(uploads, reserve),
        store,
        storeBlobs: (blobs) => runtime.storeBlobs(blobs),
        uploads,
      }),
    });
    runtimes.push(runtime);
    const peer = await withTeam(runtime);
    const answer = await peer.answer({
      type: 'picture.upload',
      target: { kind: 'team', team: 1 },
      data: (await makeImage('jpeg', 64, 48)).toString('base64'),
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'PICTURE_LIMIT', details: { limit: 'disk', reserveBytes: reserve } },
    });
    expect(runtime.current.tables.picture.size).toBe(0);
    expect(runtime.current.tables.team.get(1)?.picture).toBeNull();
    const db = new Database(store.path, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM blob').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('[PICTURE-4] an erasure while a job waits to record the same bytes leaves them: the new picture shows', async () => {
    const store = SqliteStore.open(tempDir());
    const uploads = tempDir();
    // The test holds a picture job between storing its bytes and reporting back to the engine.
    let opened: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    let stored: () => void = () => undefined;
    const held = (): Promise<void> => new Promise((resolve) => (stored = resolve));
    const storeBlobs = async (blobs: Parameters<Runtime['storeBlobs']>[0]): Promise<void> => {
      await runtime.storeBlobs(blobs);
      stored();
      await gate;
    };
    const runtime: Runtime = new Runtime({
      store,
      clock: new FakeClock(),
      logger,
      jobs: pictureJobs({ ...onDisk(uploads), store, storeBlobs, uploads }),
    });
    runtimes.push(runtime);
    const peer = new MemoryPeer(runtime, 'admin-1');
    // The runtime alone: the passphrase is sealed here, as a connection would before submitting it.
    const sealer = new PassphraseSealer(Buffer.alloc(32, 7));
    const playerOf = async (name: string): Promise<number> => {
      const passphrase = sealer.seal(`${name} rides the S12 home`);
      const added = await peer.answer({ type: 'player.add', name, passphrase });
      expect(added).toMatchObject({ ok: true });
      return (added as { result: { id: number } }).result.id;
    };
    const [anna, beat] = [await playerOf('Anna'), await playerOf('Beat')];
    const image = (await makeImage('jpeg', 64, 48)).toString('base64');
    const upload = (player: number) =>
      peer.answer({ type: 'picture.upload', target: { kind: 'player', player }, data: image }) as Promise<{
        ok: boolean;
        result: { id: number };
      }>;
    const first = await upload(anna);
    expect(first.ok).toBe(true);
    gate = new Promise((resolve) => (opened = resolve));
    const isStored = held();
    const second = upload(beat);
    // Beat's picture has the same bytes: stored (kept as they were), not yet recorded, when Anna is erased.
    await isStored;
    expect(await peer.answer({ type: 'player.erase', id: anna })).toMatchObject({ ok: true });
    opened();
    const recorded = await second;
    expect(recorded.ok).toBe(true);
    const picture = runtime.current.tables.picture.get(recorded.result.id);
    expect(runtime.current.tables.picture.has(first.result.id)).toBe(false);
    expect(store.readBlob(`picture/${picture?.sha256}`, 0, 3)?.toString('hex')).toBe('ffd8ff');
    expect(store.blobInfo(`picture/${picture?.thumb.sha256}`)).toBeDefined();
  });
});
