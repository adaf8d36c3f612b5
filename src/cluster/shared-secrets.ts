import { join } from 'node:path';
import { jetstream, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import {
  ADMIN_TOKEN_FILE,
  freshSecretFiles,
  loadOrCreateSecrets,
  readSecretFiles,
  SECRET_FILE,
  validSecretFiles,
  writeMissingSecretFiles,
  type SecretFiles,
} from '../runtime/secrets.js';
import { StartRefusal } from '../store/start-refusal.js';
import { isWrongLastSequence, setUpPatiently } from './jetstream-errors.js';

/** The KV bucket holding the installation's secrets, shared by every node of the cluster (CLUSTER-13). */
export const SECRETS_BUCKET = 'truinlag_secrets';
/** The one key: both secrets in one value, so that they are put (and won) together. */
export const INSTALLATION_KEY = 'installation';
/**
 * How long one request of the join may go unanswered before it is sent again: a bucket just made by
 * another node may not answer until its replicas elect a leader, and the rest of the start waits.
 */
const REQUEST_TIMEOUT_MS = 1_000;

/**
 * What a node's join did with the secrets: `new` (neither its data directory nor the bucket had any: it
 * made them and its put won), `offered` (its data directory's own went into the empty bucket), `taken`
 * (the bucket's were written into its data directory), `same` (its own match the bucket's).
 */
export type SecretsOutcome = 'new' | 'offered' | 'taken' | 'same';

/**
 * Makes the data directory hold the cluster's secrets before anything reads them (CLUSTER-13). A node
 * without secret files takes the bucket's, or, when the bucket has none either, puts new ones with a
 * create (two first nodes cannot both win: the loser takes the winner's). A node with its own puts them
 * when the bucket has none; its files that differ from the bucket's refuse the start, and nothing is
 * overwritten on either side.
 */
export async function joinSharedSecrets(
  nats: NatsConnection,
  dataDir: string,
  replicas: number,
): Promise<SecretsOutcome> {
  const kv = await openBucket(jetstream(nats, { timeout: REQUEST_TIMEOUT_MS }), replicas);
  const local = readSecretFiles(dataDir);
  const hasOwn = local.secretKey !== undefined || local.adminToken !== undefined;
  const bucket = await bucketSecrets(kv);
  if (bucket !== undefined) {
    if (hasOwn) refuseDifferent(dataDir, local, bucket);
    return writeMissingSecretFiles(dataDir, bucket) ? 'taken' : 'same';
  }
  // A data directory's own secrets are checked (a damaged file refused) before they are offered.
  const own = hasOwn ? ownSecrets(dataDir) : freshSecretFiles();
  const winner = await putFirst(kv, own);
  if (hasOwn) refuseDifferent(dataDir, own, winner);
  else writeMissingSecretFiles(dataDir, winner);
  // Equal values mean this node's put won (new secrets are random; a put sent again after a lost answer
  // finds its own value there).
  const won = winner.secretKey === own.secretKey && winner.adminToken === own.adminToken;
  if (!won) return hasOwn ? 'same' : 'taken';
  return hasOwn ? 'offered' : 'new';
}

async function openBucket(js: JetStreamClient, replicas: number): Promise<KV> {
  // Reads from the stream's leader: a node never takes "no secrets yet" from a replica that is behind.
  await setUpPatiently(() =>
    new Kvm(js).create(SECRETS_BUCKET, {
      history: 1,
      replicas,
      storage: StorageType.File,
      allow_direct: false,
    }),
  );
  return setUpPatiently(() => new Kvm(js).open(SECRETS_BUCKET, { allow_direct: false }));
}

/** The bucket's secrets, undefined when it has none; damaged ones are an error, never adopted. */
async function bucketSecrets(kv: KV): Promise<SecretFiles | undefined> {
  // A bucket just created may not answer until its replicas have a leader: asked again meanwhile.
  const entry = await setUpPatiently(() => kv.get(INSTALLATION_KEY));
  if (entry === null || entry.operation !== 'PUT') return undefined;
  const value = entry.json<Partial<SecretFiles> | null>();
  const files = { secretKey: String(value?.secretKey), adminToken: String(value?.adminToken) };
  if (!validSecretFiles(files))
    throw new Error(
      `The cluster's secrets (NATS KV ${SECRETS_BUCKET}, key ${INSTALLATION_KEY}) are damaged.`,
    );
  return files;
}

/** The data directory's secrets, a missing one of the two made as on any first start, each checked. */
function ownSecrets(dataDir: string): SecretFiles {
  loadOrCreateSecrets(dataDir);
  const { secretKey = '', adminToken = '' } = readSecretFiles(dataDir);
  return { secretKey, adminToken };
}

/**
 * Creates the bucket's key with `mine` (only possible while it is absent); resolves with what the bucket
 * holds after: mine, or the winner's.
 */
async function putFirst(kv: KV, mine: SecretFiles): Promise<SecretFiles> {
  try {
    await setUpPatiently(() => kv.create(INSTALLATION_KEY, JSON.stringify(mine)));
    return mine;
  } catch (error) {
    if (!isWrongLastSequence(error)) throw error;
  }
  const winner = await bucketSecrets(kv);
  if (winner === undefined) throw new Error(`The cluster's secrets vanished from ${SECRETS_BUCKET}.`);
  return winner;
}

/** Refuses the start when a secret file of the data directory differs from the cluster's (CLUSTER-13). */
function refuseDifferent(dataDir: string, local: Partial<SecretFiles>, bucket: SecretFiles): void {
  const differing = [
    ...(local.secretKey !== undefined && local.secretKey !== bucket.secretKey ? [SECRET_FILE] : []),
    ...(local.adminToken !== undefined && local.adminToken !== bucket.adminToken ? [ADMIN_TOKEN_FILE] : []),
  ].map((file) => join(dataDir, file));
  if (differing.length === 0) return;
  throw new StartRefusal(
    `${differing.join(' and ')} ${differing.length === 1 ? 'differs' : 'differ'} from the secrets the ` +
      `cluster holds (NATS KV bucket ${SECRETS_BUCKET}): this node would check passphrases and admin ` +
      'tokens unlike the other nodes, so it does not start. Nothing was changed. If this data directory ' +
      'belongs to this cluster, remove its secret.key and admin.token (the node then takes the ' +
      "cluster's); if it is another installation, run it against its own NATS cluster.",
  );
}
