import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { found } from '../../helpers/found.js';
import { REPO_ROOT } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

/** How long a killed upload's chunk count must stay the same to count as final. */
const SETTLE_MS = 500;

/** The subject prefix of an object store bucket's chunks: an object's chunks go under `<prefix><id>`. */
const chunkPrefix = (bucket: string): string => `$O.${bucket}.C.`;

/** A bucket's chunk subjects (by object id, with their message counts) and its stream's bytes. */
export async function bucketStream(
  nc: NatsConnection,
  bucket: string,
): Promise<{ chunks: Map<string, number>; ids: string[]; bytes: number }> {
  const prefix = chunkPrefix(bucket);
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(`OBJ_${bucket}`, { subjects_filter: `${prefix}>` });
  const chunks = new Map(
    Object.entries(info.state.subjects ?? {}).map(([subject, count]) => [
      subject.slice(prefix.length),
      count,
    ]),
  );
  return { chunks, ids: [...chunks.keys()].sort(), bytes: info.state.bytes };
}

/**
 * Writes what an upload cut off after `chunks` chunks leaves: chunks under a new object id, and no object
 * info naming it (the object store client writes the info last). Returns the id.
 */
export async function cutOffUpload(
  js: JetStreamClient,
  bucket: string,
  chunks: number,
  chunkBytes: number,
): Promise<string> {
  const id = randomBytes(11).toString('hex');
  for (let i = 0; i < chunks; i++) await js.publish(`${chunkPrefix(bucket)}${id}`, randomBytes(chunkBytes));
  return id;
}

/**
 * Runs `script` (a test support file uploading to `bucket` as an owner does) with `args` in a child
 * process and SIGKILLs it once at least `minChunks` chunks of a new object are stored: what an owner killed
 * during an upload leaves. Returns the upload's object id and how many chunks it left.
 */
export async function killedUpload(
  nc: NatsConnection,
  bucket: string,
  run: { script: string; args: readonly string[]; liveIds: readonly string[]; minChunks: number },
): Promise<{ id: string; chunks: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', run.script, ...run.args], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const upload = async (): Promise<[string, number] | undefined> =>
    [...(await bucketStream(nc, bucket)).chunks].find(([id]) => !run.liveIds.includes(id));
  try {
    const enough = async (): Promise<boolean> => ((await upload())?.[1] ?? 0) >= run.minChunks;
    await waitFor(enough, 60_000, `${run.minChunks} chunks of the upload`, 20);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  return settledUpload(upload);
}

/**
 * The killed upload's id and chunk count once the count has stopped changing for `SETTLE_MS`: chunks the
 * child wrote to its socket before the kill still reach the stream after the child is gone.
 */
async function settledUpload(
  upload: () => Promise<[string, number] | undefined>,
): Promise<{ id: string; chunks: number }> {
  const [id, first] = found(await upload(), 'the chunks of the killed upload');
  let chunks = first;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const now = found(await upload(), 'the chunks of the killed upload')[1];
    if (now === chunks) return { id, chunks };
    chunks = now;
  }
}
