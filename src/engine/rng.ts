/**
 * The engine's only source of randomness (TIME-3). A small, fast, seedable PRNG (sfc32) so that a command
 * re-run from the journal with the same seed makes exactly the same draws.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** A uniformly chosen element; undefined for an empty list. */
  pick<T>(items: readonly T[]): T | undefined;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A standard normal draw (Box–Muller). */
  normal(): number;
  /** A random lowercase hex string of `bytes` bytes (for ids and tokens that must replay exactly). */
  hex(bytes: number): string;
}

/** A seeded RNG that tells whether anything was drawn from it (a step that drew nothing needs no seed). */
export interface SeededRng extends Rng {
  readonly drawn: boolean;
}

/**
 * Creates a seeded RNG; equal seeds give equal sequences. A number seeds 32 bits (tests); a 32-digit hex
 * string seeds the whole 128-bit state, which the runtime uses so that secrets the engine draws (login
 * tokens) cannot be guessed from a small seed space.
 */
export function seededRng(seed: number | string): SeededRng {
  const words = typeof seed === 'string' ? hexWords(seed) : [0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0];
  let [a = 0, b = 0, c = 0, d = 0] = words;
  const nextU32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up so that nearby seeds diverge.
  for (let i = 0; i < 15; i++) nextU32();
  let drawn = false;
  // Every draw below goes through `next`.
  const next = (): number => {
    drawn = true;
    return nextU32() / 4294967296;
  };
  return {
    get drawn() {
      return drawn;
    },
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => (items.length === 0 ? undefined : items[Math.floor(next() * items.length)]),
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    hex: (bytes) => {
      let s = '';
      for (let i = 0; i < bytes; i++)
        s += Math.floor(next() * 256)
          .toString(16)
          .padStart(2, '0');
      return s;
    },
  };
}

/** A seeded RNG whose seed is drawn only when it is first used; `seed` is set once something was drawn. */
export interface LazilySeededRng extends Rng {
  readonly seed: string | undefined;
}

/**
 * An RNG seeded by `drawSeed()` at its first draw: most steps draw nothing, and seeding (a fresh seed, 15
 * warm-up rounds, the closures) costs about as much as the rest of a small step.
 */
export function lazilySeededRng(drawSeed: () => string): LazilySeededRng {
  let seed: string | undefined;
  let rng: SeededRng | undefined;
  const seeded = (): SeededRng => {
    if (rng === undefined) {
      seed = drawSeed();
      rng = seededRng(seed);
    }
    return rng;
  };
  return {
    // A step that drew nothing (a pick from an empty list) replays without a seed (DURABILITY-9).
    get seed() {
      return rng?.drawn === true ? seed : undefined;
    },
    next: () => seeded().next(),
    int: (min, max) => seeded().int(min, max),
    pick: (items) => seeded().pick(items),
    shuffle: (items) => seeded().shuffle(items),
    normal: () => seeded().normal(),
    hex: (bytes) => seeded().hex(bytes),
  };
}

/** Four 32-bit words from a 32-digit hex string (missing digits count as 0). */
function hexWords(hex: string): number[] {
  const padded = hex.padEnd(32, '0');
  return [0, 8, 16, 24].map((at) => parseInt(padded.slice(at, at + 8), 16) >>> 0);
}
