import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { setUpPatiently } from '../../src/cluster/jetstream-errors.js';
import { INSTALLATION_KEY, joinSharedSecrets, SECRETS_BUCKET } from '../../src/cluster/shared-secrets.js';
import { ADMIN_TOKEN_FILE, loadOrCreateSecrets, SECRET_FILE } from '../../src/runtime/secrets.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import {
  owner,
  runToEnd,
  startNode,
  TEST_LEASE_MS,
  urlClient,
  type NodeProcess,
} from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { startNatsCluster } from './support/nats-cluster.js';

const run = clusterRunPerTest();
const connections: NatsConnection[] = [];
afterEach(async () => {
  for (const nc of connections.splice(0)) await nc.close();
});
const PASSPHRASE = 'harbour-violet-kettle';

/** The two secret files of a data directory, as written. */
function secretFilesOf(dataDir: string): string[] {
  return [SECRET_FILE, ADMIN_TOKEN_FILE].map((file) => readFileSync(join(dataDir, file), 'utf8'));
}

/** A NATS connection of its own, closed after the test. */
async function natsClient(urls: string): Promise<NatsConnection> {
  const nc = await connect({ servers: urls.split(',') });
  connections.push(nc);
  return nc;
}

/** The bucket's secrets entry as a NATS client reads it: its revision and value (null: none). */
async function bucketEntry(urls: string): Promise<{ revision: number; value: string } | null> {
  const nc = await connect({ servers: urls.split(',') });
  try {
    // From the leader, asked again while a bucket just made does not answer yet (as the nodes ask).
    const kv = await new Kvm(jetstream(nc)).open(SECRETS_BUCKET, { allow_direct: false });
    const entry = await setUpPatiently(() => kv.get(INSTALLATION_KEY));
    return entry === null ? null : { revision: entry.revision, value: entry.string() };
  } finally {
    await nc.close();
  }
}

/** On the current owner among `nodes`: the admin token is accepted, and the player logs in. */
async function ownerAcceptsSecrets(nodes: readonly NodeProcess[], adminToken: string): Promise<string> {
  const current = await owner(nodes, TEST_LEASE_MS * 10);
  const admin = urlClient([current.url], { token: adminToken });
  const player = urlClient([current.url]);
  run.clients.push(admin, player);
  const { players } = await admin.request({ type: 'state.get' });
  expect(players.map((p) => p.name)).toEqual(['Pia']);
  const login = await player.request({ type: 'auth.login', passphrase: PASSPHRASE });
  expect(login.player.name).toBe('Pia');
  return current.name;
}

describe('the installation secrets shared through the cluster', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[CLUSTER-13] nodes started with empty data directories take the first node’s secrets: its admin token and a passphrase set on it work on each later owner', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const firstDir = tempDir();
    const first = await startNode('node-a', firstDir, urls);
    run.nodes.push(first);
    await owner([first]);
    expect(first.output()).toMatch(/^node node-a secrets: made for a new installation/m);
    const adminToken = readFileSync(join(firstDir, ADMIN_TOKEN_FILE), 'utf8');
    expect(first.output()).toContain(
      `admin token (shown once; every node of the cluster shares it): ${adminToken}`,
    );
    const admin = urlClient([first.url], { token: adminToken });
    run.clients.push(admin);
    const session = await admin.request({ type: 'session.add', name: 'shared secrets' });
    await admin.request({ type: 'player.add', name: 'Pia', passphrase: PASSPHRASE, session: session.id });

    const laterDirs = [tempDir(), tempDir()];
    const later = await Promise.all(laterDirs.map((dir, i) => startNode(`node-${'bc'[i]}`, dir, urls)));
    run.nodes.push(...later);
    for (const [i, dir] of laterDirs.entries()) {
      expect(later[i]?.output()).toMatch(/secrets: the cluster's written to this data directory/);
      expect(secretFilesOf(dir)).toEqual(secretFilesOf(firstDir));
      for (const file of [SECRET_FILE, ADMIN_TOKEN_FILE])
        expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }

    first.signal('SIGKILL');
    const second = await ownerAcceptsSecrets(later, adminToken);
    const secondNode = later.find((n) => n.name === second);
    secondNode?.signal('SIGKILL');
    const third = await ownerAcceptsSecrets(
      later.filter((n) => n !== secondNode),
      adminToken,
    );
    expect(new Set([second, third])).toEqual(new Set(['node-b', 'node-c']));
  });

  it('[CLUSTER-13] of two first joins at once with empty data directories one makes the secrets and the other takes them', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const dirs = [tempDir(), tempDir()];
    const clients = await Promise.all(dirs.map(() => natsClient(urls)));
    const outcomes = await Promise.all(
      dirs.map((dir, i) => joinSharedSecrets(clients[i] as NatsConnection, dir, 3)),
    );
    expect(outcomes.sort()).toEqual(['new', 'taken']);
    expect(secretFilesOf(dirs[1] as string)).toEqual(secretFilesOf(dirs[0] as string));
    const [secretKey, adminToken] = secretFilesOf(dirs[0] as string);
    expect(JSON.parse((await bucketEntry(urls))?.value ?? 'null')).toEqual({ secretKey, adminToken });
  });

  it('[CLUSTER-13] a data directory’s own secrets go into an empty bucket; a missing file is written from it, a differing one refused', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const nc = await natsClient(urls);
    const existing = tempDir();
    loadOrCreateSecrets(existing);
    expect(await joinSharedSecrets(nc, existing, 3)).toBe('offered');
    const [secretKey, adminToken] = secretFilesOf(existing);
    expect(JSON.parse((await bucketEntry(urls))?.value ?? 'null')).toEqual({ secretKey, adminToken });
    expect(await joinSharedSecrets(nc, existing, 3)).toBe('same');

    const keyOnly = tempDir();
    writeFileSync(join(keyOnly, SECRET_FILE), secretKey ?? '');
    expect(await joinSharedSecrets(nc, keyOnly, 3)).toBe('taken');
    expect(secretFilesOf(keyOnly)).toEqual(secretFilesOf(existing));

    const otherToken = tempDir();
    writeFileSync(join(otherToken, ADMIN_TOKEN_FILE), 'another-admin-token-of-enough-length');
    const refusal = joinSharedSecrets(nc, otherToken, 3);
    await expect(refusal).rejects.toThrow(`${join(otherToken, ADMIN_TOKEN_FILE)} differs from the secrets`);
    await expect(refusal).rejects.not.toThrow(join(otherToken, SECRET_FILE));
    expect(existsSync(join(otherToken, SECRET_FILE))).toBe(false);
  });

  it('[CLUSTER-13] a node whose secret files differ from the cluster’s is refused; neither its files nor the bucket change', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const first = await startNode('node-a', tempDir(), urls);
    run.nodes.push(first);
    const before = await bucketEntry(urls);
    expect(before).not.toBeNull();

    const otherDir = tempDir();
    loadOrCreateSecrets(otherDir);
    const otherFiles = secretFilesOf(otherDir);
    const args = ['serve', '--port', '0', '--data', otherDir, '--nats', urls, '--node', 'node-x'];
    const { code, output } = await runToEnd(args, 60_000);
    expect(code, output).toBe(1);
    expect(output).toContain(join(otherDir, SECRET_FILE));
    expect(output).toContain(join(otherDir, ADMIN_TOKEN_FILE));
    expect(output).toMatch(/differ from the secrets the cluster holds/);
    expect(secretFilesOf(otherDir)).toEqual(otherFiles);
    expect(await bucketEntry(urls)).toEqual(before);
  });
});
