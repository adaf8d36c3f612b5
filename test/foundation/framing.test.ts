import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, type FrameEvent } from '../../src/protocol/framing.js';

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

/** Feeds a byte stream to a decoder in chunks of the given sizes (the rest in one last chunk). */
function feed(decoder: FrameDecoder, bytes: Uint8Array, sizes: readonly number[]): FrameEvent[] {
  const events: FrameEvent[] = [];
  let offset = 0;
  for (const size of sizes) {
    events.push(...decoder.push(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  if (offset < bytes.length) events.push(...decoder.push(bytes.subarray(offset)));
  return events;
}

describe('encodeFrame', () => {
  it('prefixes the UTF-8 bytes with their length as a 4-byte big-endian integer', () => {
    const frame = encodeFrame('{"a":"é"}');
    expect([...frame.subarray(0, 4)]).toEqual([0, 0, 0, 10]);
    expect(Buffer.from(frame.subarray(4)).toString('utf8')).toBe('{"a":"é"}');
    expect([...encodeFrame('')]).toEqual([0, 0, 0, 0]);
    const big = encodeFrame('x'.repeat(0x01_02_03));
    expect([...big.subarray(0, 4)]).toEqual([0, 1, 2, 3]);
  });
});

describe('FrameDecoder', () => {
  const texts = ['{"type":"hello","protocol":1}', '', 'Grüezi 🚆', '{"x":[1,2,3]}'];
  const stream = concat(...texts.map(encodeFrame));
  const frames = texts.map((text) => ({ kind: 'frame', text }));

  it('decodes several frames from one chunk, in order', () => {
    expect(new FrameDecoder(1024).push(stream)).toEqual(frames);
  });

  it('decodes frames split at every possible byte (also inside the header and inside a character)', () => {
    expect(
      feed(
        new FrameDecoder(1024),
        stream,
        Array.from({ length: stream.length }, () => 1),
      ),
    ).toEqual(frames);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(feed(new FrameDecoder(1024), stream, [cut])).toEqual(frames);
    }
  });

  it('waits for a frame that is not complete yet', () => {
    const decoder = new FrameDecoder(1024);
    const frame = encodeFrame('{"a":1}');
    expect(decoder.push(frame.subarray(0, 3))).toEqual([]);
    expect(decoder.push(frame.subarray(3, 8))).toEqual([]);
    expect(decoder.push(frame.subarray(8))).toEqual([{ kind: 'frame', text: '{"a":1}' }]);
  });

  it('skips an oversized frame, reports it once, and continues with the next frame', () => {
    const oversized = encodeFrame('y'.repeat(100));
    const bytes = concat(encodeFrame('before'), oversized, encodeFrame('after'));
    const expected = [
      { kind: 'frame', text: 'before' },
      { kind: 'too-large', length: 100 },
      { kind: 'frame', text: 'after' },
    ];
    // In one chunk, and with the oversized body arriving over many chunks.
    expect(new FrameDecoder(50).push(bytes)).toEqual(expected);
    expect(feed(new FrameDecoder(50), bytes, [12, 3, 40, 40, 7, 2])).toEqual(expected);
    expect(
      feed(
        new FrameDecoder(50),
        bytes,
        Array.from({ length: bytes.length }, () => 1),
      ),
    ).toEqual(expected);
  });

  it('skips an oversized frame whose body is cut right after its header', () => {
    const bytes = concat(encodeFrame('z'.repeat(60)), encodeFrame('ok'));
    expect(feed(new FrameDecoder(50), bytes, [4, 60])).toEqual([
      { kind: 'too-large', length: 60 },
      { kind: 'frame', text: 'ok' },
    ]);
  });

  it('accepts a frame of exactly the limit', () => {
    expect(new FrameDecoder(5).push(encodeFrame('12345'))).toEqual([{ kind: 'frame', text: '12345' }]);
  });

  it('throws when a length passes the hard limit: the stream is not this framing', () => {
    const decoder = new FrameDecoder(50, 200);
    expect(() => decoder.push(new TextEncoder().encode('GET / HTTP/1.1\r\n'))).toThrow(/hard limit/);
    const header = new Uint8Array([0, 0, 0, 201]);
    expect(() => new FrameDecoder(50, 200).push(header)).toThrow(/hard limit/);
    // Up to the hard limit it is only too large.
    expect(new FrameDecoder(50, 200).push(new Uint8Array([0, 0, 0, 200]))).toEqual([
      { kind: 'too-large', length: 200 },
    ]);
  });

  it('round-trips random texts in random chunkings', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['a', 'é', '🚆', '"', '\\', ' ', '{'];
    const many = Array.from({ length: 50 }, () =>
      Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join(''),
    );
    const bytes = concat(...many.map(encodeFrame));
    const sizes = Array.from({ length: 200 }, () => 1 + random(30));
    expect(feed(new FrameDecoder(1024), bytes, sizes)).toEqual(many.map((text) => ({ kind: 'frame', text })));
  });
});
