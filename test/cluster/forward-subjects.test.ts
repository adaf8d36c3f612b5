import { headers } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { decodeReply, encodeReply, Pieces, readPieceHeaders } from '../../src/cluster/forward-subjects.js';

describe('the wire format of forwarded requests', () => {
  it('[CLUSTER-21] an answer carries its positions and its frame byte for byte, line breaks and all', () => {
    const reply = {
      frame: '{"type":"response","text":"a\\nb\\u2028"}\n',
      positions: { global: 4, 'session:2': 9 },
    };
    expect(decodeReply(encodeReply(reply))).toEqual(reply);
    expect(() => decodeReply(Buffer.from('{"global":1}'))).toThrow(/positions/);
  });

  it('[CLUSTER-21] pieces join in order; a missing piece spoils the message', () => {
    const joined = new Pieces();
    expect(joined.add({ piece: 0, more: true }, Buffer.from('ab'))).toBeUndefined();
    expect(joined.add({ piece: 1, more: false }, Buffer.from('cd'))?.toString()).toBe('abcd');
    const gap = new Pieces();
    expect(gap.add({ piece: 0, more: true }, Buffer.from('ab'))).toBeUndefined();
    expect(gap.add({ piece: 2, more: false }, Buffer.from('ef'))).toBeNull();
  });

  it('[CLUSTER-21] headers say the piece, whether more follow, and a refusal; none: one whole piece', () => {
    const h = headers();
    h.set('p', '3');
    h.set('m', '1');
    expect(readPieceHeaders(h)).toEqual({ piece: 3, more: true });
    const refusal = headers();
    refusal.set('r', 'NOT_OWNER');
    expect(readPieceHeaders(refusal)).toEqual({ piece: 0, more: false, refused: 'NOT_OWNER' });
    refusal.set('r', 'SOMETHING_ELSE');
    expect(readPieceHeaders(refusal)).toEqual({ piece: 0, more: false });
    expect(readPieceHeaders(undefined)).toEqual({ piece: 0, more: false });
  });
});
