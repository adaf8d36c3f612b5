/**
 * Sends many requests over one connection with a bounded number in flight. The engine folds what is
 * queued into one commit per turn (group commit) and time-slices its turns, so a window keeps it busy
 * in batches while other clients' requests still get in between; an unbounded burst would only sit in
 * the engine's mailbox and the connection's buffers.
 */

/** How many requests an import keeps in flight on its connection. */
export const IMPORT_WINDOW = 16;

/**
 * Runs `work` for every item, at most `window` at a time, starting them in item order (so the engine
 * receives, and numbers new entities, in that order). Resolves when all have settled; the first
 * rejection of `work` aborts the rest and is rethrown (per-item refusals should be caught by `work`).
 */
export async function runWindowed<T>(
  items: readonly T[],
  window: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(window, items.length)) }, lane));
  if (failure !== undefined) throw failure.error;
}
