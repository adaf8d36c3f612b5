/**
 * Length-prefixed framing for stream transports (the local Unix socket): a 4-byte big-endian unsigned
 * length, then that many bytes of UTF-8 JSON. Written without Node APIs so any client can share it.
 */
export function encodeFrame(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, 4);
  return frame;
}

export type FrameEvent = { kind: 'frame'; text: string } | { kind: 'too-large'; length: number };

/**
 * Splits a byte stream into frames. A frame longer than `maxBytes` is skipped (its bytes are discarded
 * as they arrive) and reported, so the stream stays usable; one longer than `hardLimit` means the stream
 * is not speaking this framing at all, and `push` throws.
 */
export class FrameDecoder {
  private buffer: Uint8Array = new Uint8Array(0);
  private skipping = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(
    private readonly maxBytes: number,
    private readonly hardLimit: number = maxBytes * 16,
  ) {}

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let data = chunk;
    if (this.skipping > 0) {
      const skipped = Math.min(this.skipping, data.length);
      this.skipping -= skipped;
      data = data.subarray(skipped);
    }
    this.buffer = concat(this.buffer, data);
    for (;;) {
      if (this.buffer.length < 4) break;
      const length = new DataView(this.buffer.buffer, this.buffer.byteOffset, 4).getUint32(0);
      if (length > this.hardLimit) throw new Error(`frame length ${length} exceeds the hard limit`);
      if (length > this.maxBytes) {
        events.push({ kind: 'too-large', length });
        const available = this.buffer.length - 4;
        this.skipping = Math.max(0, length - available);
        this.buffer = this.buffer.subarray(4 + Math.min(length, available));
        continue;
      }
      if (this.buffer.length < 4 + length) break;
      events.push({ kind: 'frame', text: this.decoder.decode(this.buffer.subarray(4, 4 + length)) });
      this.buffer = this.buffer.subarray(4 + length);
    }
    return events;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
