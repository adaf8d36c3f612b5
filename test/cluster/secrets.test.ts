import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { INSTALLATION_KEY, SECRETS_BUCKET } from '../../src/cluster/shared-secrets.js';
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
const PASSPHRASE = 'harbour-violet-kettle';

/** The two secret files of a data directory, as written. */
function secretFilesOf(dataDir: string): string[] {
  return [SECRET_FILE, ADMIN_TOKEN_FILE].map((file) => readFileSync(join(dataDir, file), 'utf8'));
}

/** The bucket's secrets entry as a NATS client reads it: its revision and value (null: none). */
async function bucketEntry(urls: string): Promise<{ revision: number; value: string } | null> {
  const nc = await connect({ servers: urls.split(',') });
  try {
    const kv = await new Kvm(jetstream(nc)).open(SECRETS_BUCKET);
    const entry = await kv.get(INSTALLATION_KEY);
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

  it('[CLUSTER-13] two first nodes started at once with empty data directories end up with the same secrets', async () => {
    run.nats = await startNatsCluster();
    const urls = run.nats.urls;
    const dirs = [tempDir(), tempDir()];
    const nodes = await Promise.all(dirs.map((dir, i) => startNode(`node-${'ab'[i]}`, dir, urls)));
    run.nodes.push(...nodes);
    expect(secretFilesOf(dirs[1] as string)).toEqual(secretFilesOf(dirs[0] as string));
    const made = nodes.filter((n) => /secrets: made for a new installation/.test(n.output()));
    expect(made).toHaveLength(1);
    const stored = await bucketEntry(urls);
    expect(JSON.parse(stored?.value ?? 'null')).toEqual({
      secretKey: secretFilesOf(dirs[0] as string)[0],
      adminToken: secretFilesOf(dirs[0] as string)[1],
    });
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
