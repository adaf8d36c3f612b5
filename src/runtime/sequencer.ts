import type { PendingBroadcast } from '../engine/state.js';
import { encodeLoggedBroadcast } from '../protocol/encode.js';
import type { LoggedBroadcast, MutableState } from '../store/store.js';
import { resolveRecipients, streamOf } from './audience.js';

/**
 * Sequences a step's broadcast: the next gap-free number of its stream (recorded in the state, with a
 * closure on `undo` that takes it back), its recipients resolved from the state as it is now, its event
 * as the log keeps it and its frame, each rendered once for every recipient and the log.
 */
export function sequence(
  state: MutableState,
  pending: PendingBroadcast,
  at: number,
  undo: (() => void)[],
): LoggedBroadcast {
  const stream = streamOf(pending.session);
  const previous = state.streams.get(stream) ?? 0;
  const seq = previous + 1;
  state.streams.set(stream, seq);
  undo.push(() => state.streams.set(stream, previous));
  const event = JSON.stringify(pending.event);
  const message = encodeLoggedBroadcast({ session: pending.session, seq, at, event });
  return { stream, seq, at, recipients: resolveRecipients(state, pending.audience), event, message };
}
