import { describe, expect, it } from 'vitest';
import { mergeBoards, type Board } from '../../src/cluster/board-merge.js';
import type { ConnectionStatus, EndedConnection } from '../../src/protocol/connections.js';

const open = (id: string): ConnectionStatus => ({
  id,
  transport: 'ws',
  role: 'player',
  player: 1,
  gameMaster: null,
  app: null,
  openedAt: 0,
  lastSeenAt: 0,
  queuedBytes: 0,
});

const ended = (id: string, endedAt: number): EndedConnection => ({
  ...open(id),
  endedAt,
  by: 'client',
  reason: 'closed-by-client',
  code: 1000,
  text: '',
});

const board = (version: number, ids: string[], endings: [string, number][]): Board => ({
  version,
  connections: ids.map(open),
  ended: endings.map(([id, at]) => ended(id, at)),
});

describe('merging the nodes’ connection boards', () => {
  it('[CLUSTER-24] every connection carries the node it is connected to; the version is the local board’s', () => {
    const merged = mergeBoards({ node: 'a', board: board(7, ['a1', 'a2'], []) }, [
      { node: 'b', board: board(99, ['b1'], []) },
      { node: 'c', board: board(3, [], []) },
    ]);
    expect(merged.version).toBe(7);
    expect(merged.connections.map((c) => [c.id, c.via])).toEqual([
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ]);
  });

  it('[CLUSTER-24] ended connections are merged newest first and kept as one board keeps them', () => {
    const merged = mergeBoards(
      {
        node: 'a',
        board: board(
          1,
          [],
          [
            ['a-late', 30],
            ['a-early', 10],
          ],
        ),
      },
      [
        {
          node: 'b',
          board: board(
            1,
            [],
            [
              ['b-mid', 20],
              ['b-first', 5],
            ],
          ),
        },
      ],
      3,
    );
    expect(merged.ended.map((c) => [c.id, c.via])).toEqual([
      ['a-late', 'a'],
      ['b-mid', 'b'],
      ['a-early', 'a'],
    ]);
  });

  it('[CLUSTER-24] a row’s via is the node whose board it came from, whatever it said before', () => {
    // No node relays in parts mode: a row naming another node would be a relay of the single-lease mode.
    const relayed = { ...board(1, [], []), connections: [{ ...open('x'), via: 'elsewhere' }] };
    expect(mergeBoards({ node: 'a', board: relayed }, []).connections[0]?.via).toBe('a');
  });
});
