import type { ResultOf } from '../protocol/commands/index.js';
import { ENDED_KEPT } from '../runtime/connection-board.js';

/** A node's connection board as `admin.connections` answers it (OPS-3). */
export type Board = ResultOf<'admin.connections'>;

/** A board and the node it is of. */
export interface NodeBoard {
  readonly node: string;
  readonly board: Board;
}

/**
 * The boards of the cluster's nodes as one (CLUSTER-24): every connection, open or ended, carries `via`,
 * the node it is connected to; the ended ones are merged newest first and kept to `keep`, as one board
 * keeps them. The version stays the local board's as the runtime tells it: its own changes plus the other
 * nodes' it has heard of, the version of the `connections` notices that tell its admins to ask again (OPS-4).
 */
export function mergeBoards(local: NodeBoard, others: readonly NodeBoard[], keep = ENDED_KEPT): Board {
  const boards = [local, ...others];
  return {
    version: local.board.version,
    connections: boards.flatMap(({ node, board }) => board.connections.map((c) => ({ ...c, via: node }))),
    ended: boards
      .flatMap(({ node, board }) => board.ended.map((c) => ({ ...c, via: node })))
      .sort((a, b) => b.endedAt - a.endedAt)
      .slice(0, keep),
  };
}
