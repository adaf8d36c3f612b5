import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/**
 * True when JetStream refused a write because the stream (or the key) has moved on since the sequence
 * the writer expected: the compare of a compare-and-set failed.
 */
export function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/**
 * JetStream's "no suitable peers for placement" (err_code 10005): a replicated stream asked of a cluster
 * whose servers have not all joined its meta group yet (they just started, or one restarted). It passes
 * once they have, so a set-up asks again.
 */
const NO_PEERS_FOR_PLACEMENT = 10005;

/** How long a node's start keeps trying to set up a stream or bucket when the cluster does not answer. */
const SETUP_PATIENCE_MS = 30_000;

/**
 * Runs a set-up request (creating or opening a stream or bucket) until it is answered. Nodes starting
 * together create the same buckets at once, and a cluster whose servers just started (no meta leader yet)
 * or a loaded one may take longer than a request's timeout to set up replicas: a request that was not
 * answered, or refused only for want of peers to place replicas on, is sent again for a while (creating
 * what exists is harmless). Any other refusal (an API error) is not.
 */
export async function setUpPatiently<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SETUP_PATIENCE_MS;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      const refused = error instanceof JetStreamApiError && error.code !== NO_PEERS_FOR_PLACEMENT;
      if (refused || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
