import { randomBytes } from 'node:crypto';

const BLOCK_BYTES = 4096;

/**
 * Hex strings of fresh bytes from the system's CSPRNG, drawn a block at a time: one `randomBytes` call
 * per command seed or passphrase salt cost ≈ 5–9 % of the engine's time on small commands. Every byte is
 * handed out once.
 */
export class RandomPool {
  private block = Buffer.alloc(0);
  private offset = 0;

  hex(bytes: number): string {
    if (this.offset + bytes > this.block.length) {
      this.block = randomBytes(Math.max(BLOCK_BYTES, bytes));
      this.offset = 0;
    }
    const text = this.block.toString('hex', this.offset, this.offset + bytes);
    this.offset += bytes;
    return text;
  }
}
