import type { AppliedPositions } from './applied-positions.js';
import type { PartLog } from './part-log.js';

/** What a takeover needs of its node: whether the holding is still this one, and what to do with it. */
export interface TakeoverSteps {
  /**
   * True while the node still holds the part in this takeover's term (the same serving, the lease neither
   * lost nor claimed again since): an older takeover of a part the node lost, or claimed again, must end.
   */
  readonly stillHeld: () => boolean;
  /** The node's writer may append to the part from `marker` on. */
  readonly hold: (marker: number) => void;
  /** The node steps the part from now on. */
  readonly own: () => void;
}

/**
 * Takes a part over in `term` (CLUSTER-20, CLUSTER-22): appends the marker that fences the part's older
 * owners, waits until the node's copy has applied every entry of the part before it, and only then has
 * the node step the part. Resolves with the marker's position once the node steps it; undefined when the
 * holding ended meanwhile (the lease was lost, is being handed over, or was lost and claimed again, so
 * that a newer takeover of the part is under way). The newer one decides: an older one's wait ends at its
 * own marker, before the entries other nodes appended between the two markers, so stepping then would
 * step on a copy without them. A wait that runs out throws, unless the holding ended anyway.
 */
export async function takeOverPart(
  log: PartLog,
  applied: AppliedPositions,
  { part, node, term, timeoutMs }: { part: string; node: string; term: number; timeoutMs: number },
  steps: TakeoverSteps,
): Promise<number | undefined> {
  const marker = await log.takeOver(part, node, term);
  if (!steps.stillHeld()) return undefined;
  steps.hold(marker);
  try {
    await applied.waitFor({ [part]: marker }, timeoutMs);
  } catch (error) {
    if (!steps.stillHeld()) return undefined;
    throw error;
  }
  if (!steps.stillHeld()) return undefined;
  steps.own();
  return marker;
}
