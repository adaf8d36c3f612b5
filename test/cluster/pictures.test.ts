import { Objm, type ObjectStore } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/client.js';
import { BLOB_BUCKET } from '../../src/cluster/blob-objects.js';
import type { PictureView } from '../../src/protocol/pictures.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { makeWorld } from '../auth/support.js';
import { erasePlayer } from '../privacy/support.js';
import { found } from '../helpers/found.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { httpBase, makeImage, uploadHttp } from '../pictures/support.js';
import {
  clusterDataDirs,
  owner,
  startNode,
  standbyReady,
  TEST_LEASE_MS,
  urlClient,
  type NodeProcess,
} from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { startNatsCluster } from './support/nats-cluster.js';

let natsClient: NatsConnection | undefined;
const run = clusterRunPerTest();

// Registered after the run's clean-up, so run before it: the NATS client goes before its servers.
afterEach(async () => {
  await natsClient?.close();
  natsClient = undefined;
});

/** Two nodes on three NATS servers: the owner, and the standby once it knows the owner. */
async function cluster(): Promise<{ first: NodeProcess; standby: NodeProcess; token: string }> {
  run.nats = await startNatsCluster(3);
  const { dirs, adminToken } = clusterDataDirs(2);
  const urls = run.nats.urls;
  run.nodes = await Promise.all(dirs.map((dir, i) => startNode(`node-${i + 1}`, dir, urls)));
  const first = await owner(run.nodes);
  const standby = found(
    run.nodes.find((n) => n !== first),
    'the standby',
  );
  await standbyReady(standby, first);
  return { first, standby, token: adminToken };
}

/** The cluster's picture bucket, read by the test as any NATS client would. */
async function blobBucket(): Promise<ObjectStore> {
  natsClient ??= await connect({ servers: found(run.nats, 'the NATS cluster').urls.split(',') });
  return await new Objm(natsClient).open(BLOB_BUCKET);
}

/** Whether the bucket holds a (not deleted) object under `key`. */
async function inBucket(key: string): Promise<boolean> {
  const info = await (await blobBucket()).info(key);
  return info !== null && !info.deleted;
}

/** The blob keys a node's SQLite copy holds (read beside the running node, as WAL allows). */
function blobKeysOf(node: NodeProcess): string[] {
  const db = new Database(join(node.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT key FROM blob ORDER BY key').pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** A player's login on `url`: the client (kept for the clean-up) and the token for HTTP. */
async function playerOn(url: string, passphrase: string): Promise<{ client: TruinlagClient; token: string }> {
  const client = urlClient([url], { clientId: `player-client-${passphrase}` });
  run.clients.push(client);
  await client.ready;
  const { token } = await client.login(passphrase);
  return { client, token };
}

/** `GET` of a picture (or its thumbnail) over HTTP: status and bytes. */
async function download(
  wsUrl: string,
  token: string,
  path: string,
): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const response = await fetch(new URL(path, httpBase(wsUrl)), {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type'),
  };
}

/** The picture an upload answered, or a failure showing what came instead. */
function uploaded(answer: Awaited<ReturnType<typeof uploadHttp>>): PictureView {
  if (!answer.body.ok) throw new Error(`upload refused (${answer.status}): ${JSON.stringify(answer.body)}`);
  return answer.body.result;
}

describe('pictures in a cluster', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-9] a player on a standby uploads and downloads through it; after the owner is killed the new owner serves the same bytes', async () => {
    const { first, standby, token } = await cluster();
    const admin = urlClient([first.url], { token, clientId: 'admin-client' });
    run.clients.push(admin);
    await admin.ready;
    const world = await makeWorld(admin, 'P', 1);
    const me = found(world.players[0], 'the player');
    const { token: playerToken } = await playerOn(standby.url, found(world.passphrases[0], 'passphrase'));

    const image = await makeImage('jpeg', 640, 480, { noise: true });
    const picture = uploaded(
      await uploadHttp(httpBase(standby.url), playerToken, { kind: 'player', player: me.id }, image, {
        'idempotency-key': 'profile-upload-1',
      }),
    );
    expect(picture).toMatchObject({ kind: 'player', owner: me.id, uploadedBy: me.id });
    // Re-sent under its Idempotency-Key, through the standby: the same picture, not a second one.
    const again = uploaded(
      await uploadHttp(httpBase(standby.url), playerToken, { kind: 'player', player: me.id }, image, {
        'idempotency-key': 'profile-upload-1',
      }),
    );
    expect(again.id).toBe(picture.id);

    const full = await download(standby.url, playerToken, `/pictures/${picture.id}`);
    const thumb = await download(standby.url, playerToken, `/pictures/${picture.id}/thumb`);
    expect([full.status, thumb.status]).toEqual([200, 200]);
    expect(full.type).toBe('image/jpeg');
    expect(full.bytes.length).toBe(picture.bytes);
    expect(thumb.bytes.length).toBe(picture.thumb.bytes);
    expect(await download(first.url, playerToken, `/pictures/${picture.id}`)).toEqual(full);
    // A refusal comes back as the owner answered it (an empty body: the owner refuses a body unread).
    const refused = await uploadHttp(
      httpBase(standby.url),
      'not-a-token',
      { kind: 'player', player: me.id },
      Buffer.alloc(0),
    );
    expect(refused).toMatchObject({ status: 401, body: { ok: false, error: { code: 'UNAUTHORISED' } } });
    expect((await download(standby.url, 'not-a-token', `/pictures/${picture.id}`)).status).toBe(401);

    // The cluster holds the bytes (the picture and its thumbnail), and the standby fetches them.
    const bucket = await blobBucket();
    const keys = (await bucket.list()).filter((o) => !o.deleted).map((o) => o.name);
    expect(keys.sort()).toEqual(blobKeysOf(first));
    expect(keys).toHaveLength(2);
    await waitFor(
      () => blobKeysOf(standby).length === 2,
      TEST_LEASE_MS * 10,
      'the standby fetching the bytes',
    );
    expect(blobKeysOf(standby)).toEqual(blobKeysOf(first));

    first.signal('SIGKILL');
    const next = await owner([standby], 30_000);
    expect(next).toBe(standby);
    expect(await download(next.url, playerToken, `/pictures/${picture.id}`)).toEqual(full);
    expect(await download(next.url, playerToken, `/pictures/${picture.id}/thumb`)).toEqual(thumb);
  });

  it('[CLUSTER-9] an erased picture is deleted from the cluster, not brought back by a standby, and missing on the new owner; unnamed bytes go at a takeover', async () => {
    const { first, standby, token } = await cluster();
    const admin = urlClient([standby.url], { token, clientId: 'admin-client' });
    run.clients.push(admin);
    await admin.ready;
    const world = await makeWorld(admin, 'E', 1);
    const me = found(world.players[0], 'the player');
    const { token: playerToken } = await playerOn(standby.url, found(world.passphrases[0], 'passphrase'));
    const image = await makeImage('jpeg', 320, 240, { noise: true });
    const picture = uploaded(
      await uploadHttp(httpBase(standby.url), playerToken, { kind: 'player', player: me.id }, image),
    );
    const keys = blobKeysOf(first);
    expect(keys).toHaveLength(2);
    await waitFor(
      () => blobKeysOf(standby).length === 2,
      TEST_LEASE_MS * 10,
      'the standby fetching the bytes',
    );

    await erasePlayer(admin, me.id);
    // The erasure is answered once the cluster's copy is gone.
    for (const key of keys) expect(await inBucket(key)).toBe(false);
    expect(blobKeysOf(first)).toEqual([]);
    await waitFor(
      () => blobKeysOf(standby).length === 0,
      TEST_LEASE_MS * 10,
      'the standby applying the erasure',
    );
    // Bytes no picture names (as a refused upload's would be) are dropped by the next owner.
    await (await blobBucket()).putBlob({ name: 'picture/unnamed' }, new Uint8Array([1, 2, 3]));
    // Four more looks at the log: the standby does not fetch the erased bytes again.
    await new Promise((resolve) => setTimeout(resolve, TEST_LEASE_MS));
    expect(blobKeysOf(standby)).toEqual([]);

    first.signal('SIGKILL');
    const next = await owner([standby], 30_000);
    const gone = await download(next.url, token, `/pictures/${picture.id}`);
    expect(gone.status).toBe(404);
    expect(blobKeysOf(next)).toEqual([]);
    expect(await inBucket('picture/unnamed')).toBe(false);
    for (const key of keys) expect(await inBucket(key)).toBe(false);
  });
});
