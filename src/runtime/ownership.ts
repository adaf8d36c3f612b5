import { partOfStep, type Part } from '../engine/parts.js';
import type { EngineState } from '../engine/state.js';
import { actorOf, type Inbound } from './inbound.js';

/**
 * Which parts of the state (CLUSTER-11) this node steps (CLUSTER-18). A request of a part it does not own
 * is handed to the cluster's router, which forwards it to the part's owner; batches of those parts come
 * back through the cluster's log (`Runtime.applyReplicated`).
 */
export interface Ownership {
  owns(part: Part): boolean;
  /** An item of a part this node does not own: forwarded by the cluster's router. Not stepped here. */
  route(item: Inbound, part: Part): void;
}

/** The embedded server: one node owns every part, so nothing is ever routed. */
export const OWNS_EVERYTHING: Ownership = {
  owns: () => true,
  route: () => {
    throw new Error('A node that owns every part has nowhere to route to.');
  },
};

/** The part a request's step runs in, decided from the state before it (as the part test decides it). */
export const partOfItem = (item: Inbound, state: EngineState): Part =>
  partOfStep({ command: item.command, actor: actorOf(item), session: item.session }, state).part;
