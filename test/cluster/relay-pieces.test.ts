import { describe, expect, it } from 'vitest';
import { FramePieces, piecesOf, readRelayHeaders, relayHeaders } from '../../src/cluster/relay-subjects.js';

describe('relayed frames in NATS messages', () => {
  it('[CLUSTER-4] a frame that fits goes whole; a larger one in pieces that fit, joined back byte for byte', () => {
    const maxPayload = 4 * 1024;
    const small = Buffer.from('x'.repeat(3 * 1024));
    expect(piecesOf(small, maxPayload)).toEqual([small]);
    const large = Buffer.from(
      Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(65 + (i % 26))).join(''),
    );
    const pieces = piecesOf(large, maxPayload);
    expect(pieces.length).toBe(4);
    expect(pieces.every((piece) => piece.length <= maxPayload - 1024)).toBe(true);
    const joined = new FramePieces();
    const parts = pieces.map((piece, i) => joined.add(piece, i < pieces.length - 1));
    expect(parts.slice(0, -1)).toEqual([undefined, undefined, undefined]);
    expect(parts.at(-1)?.equals(large)).toBe(true);
    // The next frame starts afresh.
    expect(joined.add(small, false)?.equals(small)).toBe(true);
  });

  it('[CLUSTER-4] headers carry kind, number, close code, pieces, binary and size, and read back as sent', () => {
    const sent = { kind: 'f', n: 42, more: true, binary: true, size: 5_000_000 } as const;
    expect(readRelayHeaders(relayHeaders(sent))).toEqual(sent);
    expect(readRelayHeaders(relayHeaders({ kind: 'c', code: 4008 }))).toEqual({ kind: 'c', code: 4008 });
    expect(readRelayHeaders(relayHeaders({ kind: 'a', n: 7 }))).toEqual({ kind: 'a', n: 7 });
  });
});
