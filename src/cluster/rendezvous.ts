import { createHash } from 'node:crypto';

/**
 * The nodes in the order they should own `part` (rendezvous or highest-random-weight hashing): by the
 * SHA-256 of `part|node`, highest first. Every node computes the same order from the same set of nodes;
 * each part's first node is spread evenly over the nodes, and a node leaving moves only the parts it was
 * first for (each to the node ranked next), a node joining takes only the parts it ranks first for.
 */
export function rank(part: string, nodes: Iterable<string>): string[] {
  const weight = (node: string): string => createHash('sha256').update(`${part}|${node}`).digest('hex');
  return [...new Set(nodes)]
    .map((node) => ({ node, weight: weight(node) }))
    .sort((a, b) => (a.weight === b.weight ? 0 : a.weight > b.weight ? -1 : 1))
    .map(({ node }) => node);
}
