import type { JetStreamManager } from '@nats-io/jetstream';

/** What a sweep removed: the chunk subjects purged, their messages, and the stream's bytes before and after. */
export interface SweptLeftovers {
  readonly subjects: number;
  readonly messages: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/**
 * Purges the leftovers of cut-off uploads from an object store's stream (CLUSTER-14). The object store
 * writes an object's chunks under `$O.<bucket>.C.<id>` first and its info (naming `id`) last: an upload
 * killed in between leaves chunks that no object's info names and that nothing else ever removes. A chunk
 * subject is purged when no live object uses its id (`inUse`) and its newest chunk is older than
 * `graceMs`: an upload still under way writes a chunk every few milliseconds, so it is never touched.
 */
export async function sweepLeftoverChunks(
  jsm: JetStreamManager,
  bucket: string,
  inUse: ReadonlySet<string>,
  graceMs: number,
): Promise<SweptLeftovers> {
  const stream = `OBJ_${bucket}`;
  const prefix = `$O.${bucket}.C.`;
  const info = await jsm.streams.info(stream, { subjects_filter: `${prefix}>` });
  let subjects = 0;
  let messages = 0;
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    if (inUse.has(subject.slice(prefix.length))) continue;
    const newest = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (newest === null || Date.now() - newest.time.getTime() < graceMs) continue;
    messages += (await jsm.streams.purge(stream, { filter: subject })).purged;
    subjects++;
  }
  const bytesAfter = subjects === 0 ? info.state.bytes : (await jsm.streams.info(stream)).state.bytes;
  return { subjects, messages, bytesBefore: info.state.bytes, bytesAfter };
}
