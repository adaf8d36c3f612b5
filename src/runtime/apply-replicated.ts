import type { BroadcastEvent } from '../protocol/broadcasts.js';
import { encodeLoggedBroadcast } from '../protocol/encode.js';
import type { LoggedBroadcast, MutableState } from '../store/store.js';
import { applyWrites } from './apply.js';
import { sessionOfStream } from './audience.js';
import type { ReplicaItem } from './inbound.js';
import { checkpointAtLastRow } from './journal-entry.js';
import type { LatestLocations } from './latest-locations.js';
import type { ReplicatedBroadcast } from './replicated.js';
import type { Replies } from './replies.js';
import type { TurnBatch } from './turn-batch.js';

/** A replicated batch applied in a turn: released (published, its done told) once the turn is durable. */
export interface Applied {
  readonly item: ReplicaItem;
  /** Its broadcasts as this node logs and sends them. */
  readonly broadcasts: readonly LoggedBroadcast[];
}

/** What applying a replicated batch brings up to date besides the state. */
export interface ReplicaTargets {
  readonly state: MutableState;
  readonly locations: LatestLocations;
  readonly replies: Replies;
}

/**
 * Applies another node's part batch to this copy, as the steps that made it changed the owner's
 * (CLUSTER-18): its writes to memory, its streams' positions and the latest locations (RESUME-3), each
 * undone with the turn if its commit fails, and the answered request ids (IDEMPOTENCY-1: a filter, so a
 * key left from a rolled-back batch only costs a store look-up). Its rows go into the turn's local commit
 * as one span that is not this node's to append. A batch with a checkpoint (DURABILITY-3) checkpoints
 * this node's journal at the batch's last row, on this copy's state after the batch: replay then starts
 * after rows whose changes the base already holds.
 */
export function applyReplicated(item: ReplicaItem, to: ReplicaTargets, turn: TurnBatch): Applied {
  const { batch } = item;
  applyWrites(to.state, batch.writes, turn.undo);
  const broadcasts = batch.broadcasts.map((b) => logged(b, to, turn.undo));
  turn.writes.push(...batch.writes);
  turn.broadcasts.push(...broadcasts);
  turn.journal.push(...batch.journal);
  for (const answer of batch.answers) to.replies.learn(answer);
  turn.answers.push(...batch.answers);
  turn.statements.push(...(batch.statements ?? []));
  if (batch.checkpoint !== undefined) checkpointAtLastRow(turn, to.state);
  turn.endSpan(undefined);
  turn.replicated.push(batch);
  return { item, broadcasts };
}

/** A replicated broadcast as this node logs it: its stream moves to it, its frame is rendered again. */
function logged(b: ReplicatedBroadcast, to: ReplicaTargets, undo: (() => void)[]): LoggedBroadcast {
  const { stream, seq, at, event } = b;
  const previous = to.state.streams.get(stream);
  to.state.streams.set(stream, seq);
  undo.push(() =>
    previous === undefined ? to.state.streams.delete(stream) : to.state.streams.set(stream, previous),
  );
  const message = encodeLoggedBroadcast({ session: sessionOfStream(stream), seq, at, event });
  const broadcast: LoggedBroadcast = { ...b, message };
  const parsed = JSON.parse(event) as BroadcastEvent;
  return parsed.type === 'location' ? to.locations.supersede(broadcast, parsed.team, undo) : broadcast;
}
