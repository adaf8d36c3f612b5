const BITS_LOG2 = 24;
const HASHES = 4;

/**
 * Which request ids may already have been answered (IDEMPOTENCY-1), so that the loop asks the store only
 * about those: a store look-up per request cost ≈ 9 % of the loop's time, and almost every request is new.
 * A Bloom filter of 2 MiB: it never says no for an id that was answered; it says "maybe" for about
 * 0.2 % of new ids at a million remembered ids (more beyond), which only costs those a look-up.
 * Pruned ids stay in it (again only a look-up). Small and self-contained, so no dependency for it.
 */
export class AnsweredFilter {
  private readonly bits = new Uint32Array(2 ** (BITS_LOG2 - 5));

  add(key: string): void {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) >>> (32 - BITS_LOG2);
      this.bits[bit >>> 5] = (this.bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
  }

  mayContain(key: string): boolean {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) >>> (32 - BITS_LOG2);
      if (((this.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two 32-bit hashes of the key (FNV-1a with two offsets, each finished with murmur3's mixer). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return [mix(a), mix(b) | 1];
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
