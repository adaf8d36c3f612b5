import { describe, expect, it } from 'vitest';
import { rank } from '../../src/cluster/rendezvous.js';

const PARTS = ['global', ...Array.from({ length: 19 }, (_, i) => `session:${i + 1}`)];
const NODES = ['node-1', 'node-2', 'node-3'];

/** The node ranked first for each part. */
const owners = (nodes: readonly string[]): Map<string, string | undefined> =>
  new Map(PARTS.map((part) => [part, rank(part, nodes)[0]]));

describe('rendezvous ranking of nodes per part (CLUSTER-20)', () => {
  it('CLUSTER-20: ranks the same whatever the order of the nodes, every node once', () => {
    for (const part of PARTS) {
      const order = rank(part, NODES);
      expect([...order].sort()).toEqual(NODES);
      expect(rank(part, [...NODES].reverse())).toEqual(order);
      expect(rank(part, [...NODES, 'node-2'])).toEqual(order);
    }
  });

  it('CLUSTER-20: spreads 20 parts over 3 nodes, and a node leaving or joining moves only its own parts', () => {
    const three = owners(NODES);
    const perNode = NODES.map((node) => [...three.values()].filter((owner) => owner === node).length);
    // Each node owns some; none owns more than half (an even spread is about 7 each).
    for (const count of perNode) expect(count).toBeGreaterThanOrEqual(3);
    for (const count of perNode) expect(count).toBeLessThanOrEqual(10);

    const two = owners(['node-1', 'node-2']);
    for (const part of PARTS) if (three.get(part) !== 'node-3') expect(two.get(part)).toBe(three.get(part));

    const four = owners([...NODES, 'node-4']);
    for (const part of PARTS) if (four.get(part) !== 'node-4') expect(four.get(part)).toBe(three.get(part));
    expect([...four.values()]).toContain('node-4');
  });
});
