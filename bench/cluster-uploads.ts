/**
 * Picture uploads over HTTP in a cluster against the embedded server (docs/cluster.md, "Bench"): the built
 * server with no NATS, then a two-node cluster on three NATS servers (R3), uploads straight to the owner
 * and through the standby, and the object store's put of the same bytes alone. Each target gets its own
 * images (a blob already in the bucket is not put again). Run after `npm run build`:
 * `tsx bench/cluster-uploads.ts [uploads]` (default 12, after two to warm up). Needs Debian's nats-server.
 */
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { loadavg } from 'node:os';
import { BlobObjects } from '../src/cluster/blob-objects.js';
import {
  clusterDataDirs,
  killNodes,
  owner,
  startNode,
  standbyReady,
  urlClient,
} from '../test/cluster/support/cluster-nodes.js';
import { startNatsCluster } from '../test/cluster/support/nats-cluster.js';
import { killSpawnedServers, spawnServer } from '../test/helpers/server.js';
import { removeTempDirs, tempDir } from '../test/helpers/temp.js';
import { httpBase, makeImage, uploadHttp } from '../test/pictures/support.js';

process.env.TRUINLAG_TEST_DIST = '1';
const UPLOADS = Number(process.argv[2] ?? 12);
const WARM_UP = 2;

/** Images of noise (incompressible, about 1 MiB as JPEG), new bytes each. */
const images = (): Promise<Buffer[]> =>
  Promise.all(
    Array.from({ length: UPLOADS + WARM_UP }, () => makeImage('jpeg', 1600, 1200, { noise: true })),
  );

/** Times each upload (ms) of `pictures` as a new player's profile picture, sent to `http`. */
async function timeUploads(ws: string, http: string, token: string, pictures: Buffer[]): Promise<number[]> {
  const admin = urlClient([ws], { token, clientId: `bench-admin-${Date.now()}` });
  await admin.ready;
  const player = await admin.request({
    type: 'player.add',
    name: `Bench ${Date.now()}`,
    passphrase: `bench-${Date.now()}-passphrase`,
  });
  const times: number[] = [];
  for (const [i, image] of pictures.entries()) {
    const started = performance.now();
    const answer = await uploadHttp(http, token, { kind: 'player', player: player.id }, image);
    if (!answer.body.ok) throw new Error(`upload refused: ${JSON.stringify(answer.body)}`);
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  admin.close();
  return times;
}

/** Times the object store's put of each image alone (ms), as the owner's writer puts a blob. */
async function timePuts(servers: string, pictures: Buffer[]): Promise<number[]> {
  const nats = await connect({ servers: servers.split(',') });
  const blobs = await BlobObjects.open(jetstream(nats), 3);
  const times: number[] = [];
  for (const [i, image] of pictures.entries()) {
    const started = performance.now();
    await blobs.put({ key: `bench/${i}-${Date.now()}`, mime: 'image/jpeg', sha256: 'bench', bytes: image });
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  await nats.close();
  return times;
}

const line = (what: string, times: number[]): string => {
  const sorted = [...times].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return `| ${what} | ${p50.toFixed(1)} | ${(sorted[0] ?? 0).toFixed(1)} | ${(sorted.at(-1) ?? 0).toFixed(1)} |`;
};

const sets = [await images(), await images(), await images(), await images()] as const;
const embedded = await spawnServer(tempDir());
const alone = await timeUploads(embedded.url, httpBase(embedded.url), embedded.adminToken, sets[0]);
await killSpawnedServers();

const nats = await startNatsCluster(3);
const { dirs, adminToken } = clusterDataDirs(2);
const nodes = await Promise.all(dirs.map((dir, i) => startNode(`bench-${i + 1}`, dir, nats.urls)));
try {
  const first = await owner(nodes);
  const standby = nodes.find((n) => n !== first);
  if (standby === undefined) throw new Error('no standby');
  await standbyReady(standby, first);
  const direct = await timeUploads(first.url, httpBase(first.url), adminToken, sets[1]);
  const forwarded = await timeUploads(first.url, httpBase(standby.url), adminToken, sets[2]);
  const puts = await timePuts(nats.urls, sets[3]);
  console.log(`${sets[0][0]?.length ?? 0} bytes an image; load average ${loadavg()[0]?.toFixed(2)}`);
  console.log('| upload | p50 (ms) | min | max |\n| --- | ---: | ---: | ---: |');
  console.log(line('embedded server', alone));
  console.log(line('cluster, to the owner', direct));
  console.log(line('cluster, through a standby', forwarded));
  console.log(line('object store put alone (R3)', puts));
} finally {
  await killNodes(nodes);
  await nats.stop();
  removeTempDirs();
}
