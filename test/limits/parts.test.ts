import { describe, expect, it } from 'vitest';
import { generatePassphrase } from '../../src/client/passphrase.js';
import { PASSPHRASE_WORDS } from '../../src/client/passphrase-words.js';
import { seededRng } from '../../src/engine/rng.js';
import { shapeProblem } from '../../src/protocol/json-shape.js';
import { isStrongPassphrase } from '../../src/protocol/passphrase-strength.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { addressKey } from '../../src/transport/address.js';
import { DEFAULT_EDGE_LIMITS } from '../../src/transport/limits.js';
import { KeyedBuckets, TokenBucket } from '../../src/transport/token-bucket.js';

/** The parts the limits are made of, each against an independent reckoning of what it should say. */

/** A random JSON value with awkward strings (quotes, backslashes, brackets, colons and commas inside). */
function randomJson(random: () => number, depth: number): unknown {
  const pick = random();
  const text = (): string =>
    ['a', '"', '\\', '[{', ':,', '}]', '\\"', 'ü', '\\\\'][Math.floor(random() * 9)] as string;
  if (depth <= 0 || pick < 0.3) return pick < 0.1 ? Math.floor(random() * 100) : text() + text();
  const size = Math.floor(random() * 4);
  if (pick < 0.65) return Array.from({ length: size }, () => randomJson(random, depth - 1));
  return Object.fromEntries(
    Array.from({ length: size }, (_, i) => [`${text()}${i}`, randomJson(random, depth - 1)]),
  );
}

/** Depth and value count of a parsed value, counted the plain way. */
function measure(value: unknown, depth = 1): { depth: number; values: number } {
  if (typeof value !== 'object' || value === null) return { depth: depth - 1, values: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  // An empty array counts as one value (documented in LIMIT-2's scan).
  let values = Array.isArray(value) && value.length === 0 ? 1 : children.length;
  let deepest = depth;
  for (const child of children) {
    const inner = measure(child, depth + 1);
    values += inner.values;
    deepest = Math.max(deepest, inner.depth);
  }
  return { depth: deepest, values };
}

describe('[LIMIT-2] the shape scan', () => {
  it('agrees with the parsed value on 2,000 random JSON texts, at every limit', () => {
    const rng = seededRng(11);
    const random = (): number => rng.next();
    for (let i = 0; i < 2_000; i++) {
      const value = randomJson(random, 6);
      const text = JSON.stringify(value);
      const { depth, values } = measure(value);
      const limits = { maxDepth: 1 + Math.floor(random() * 6), maxValues: Math.floor(random() * 30) };
      const expected = depth > limits.maxDepth ? 'depth' : values > limits.maxValues ? 'values' : undefined;
      const found = shapeProblem(text, limits);
      // Both limits may be passed; the scan names the one it meets first.
      if (expected === undefined) expect(found, text).toBeUndefined();
      else expect(found, text).toBeDefined();
      if (found === 'depth') expect(depth, text).toBeGreaterThan(limits.maxDepth);
      if (found === 'values') expect(values, text).toBeGreaterThan(limits.maxValues);
    }
  });

  it('stops at the prefix that breaks a limit: a 10 MB frame of brackets is read for 17 characters', () => {
    const huge = '['.repeat(5_000_000) + ']'.repeat(5_000_000);
    const started = performance.now();
    expect(shapeProblem(huge, { maxDepth: 16, maxValues: 10_000 })).toBe('depth');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('ends on text that is not JSON (an open string, stray closers)', () => {
    expect(shapeProblem('"never closed \\" [[[[', { maxDepth: 2, maxValues: 2 })).toBeUndefined();
    expect(shapeProblem(']]]]}}}}[[[', { maxDepth: 2, maxValues: 2 })).toBe('depth');
  });
});

describe('[LIMIT-7] the token bucket', () => {
  it('lets a whole unit pass, goes into debt for a large cost, refills at its rate, never above its burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, () => now);
    bucket.take(1);
    bucket.take(1);
    expect(bucket.waitMs()).toBe(0);
    bucket.take(10); // a large frame: 1 left, pays 10
    expect(bucket.waitMs()).toBe(5_000); // from -9 to 1 at 2 a second
    now += 4_990;
    expect(bucket.waitMs()).toBeGreaterThan(0);
    expect(bucket.waitMs()).toBeLessThanOrEqual(11);
    now += 10;
    expect(bucket.waitMs()).toBe(0);
    now += 60_000;
    expect(bucket.isFull()).toBe(true);
    bucket.refund(5);
    bucket.take(3);
    expect(bucket.waitMs()).toBe(500);
  });

  it('keyed buckets forget the full ones, so made-up keys do not pile up', () => {
    let now = 0;
    const buckets = new KeyedBuckets({ burst: 1, perSecond: 1 }, () => now);
    for (let i = 0; i < 5_000; i++) buckets.get(`key ${i}`).take(1);
    expect(buckets.size).toBeGreaterThan(900);
    now += 2_000;
    for (let i = 0; i < 1_000; i++) buckets.get('busy');
    expect(buckets.size).toBeLessThan(10);
  });
});

describe('[LIMIT-6] address keys', () => {
  it('keeps IPv4 (also mapped) as it is and keys IPv6 by its /64', () => {
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0DB8:0000:0000:ffff::2')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('[LIMIT-6] limits from the environment', () => {
  it('trusts the proxy and sets the connections per address when told to, and keeps the defaults otherwise', () => {
    expect(resolveServerConfig({}, {}).limits).toEqual(DEFAULT_EDGE_LIMITS);
    const env = { TRUINLAG_TRUST_PROXY: '1', TRUINLAG_CONNECTIONS_PER_ADDRESS: '500' };
    expect(resolveServerConfig({}, env).limits).toMatchObject({
      trustProxy: true,
      connectionsPerAddress: 500,
    });
    // Code wins over the environment.
    const given = resolveServerConfig({ limits: { connectionsPerAddress: 7 } }, env).limits;
    expect(given).toMatchObject({ trustProxy: true, connectionsPerAddress: 7 });
  });
});

describe('[AUTH-10] passphrase strength and generation', () => {
  it('tells strong from weak passphrases', () => {
    const strong = [
      'cat dog owl',
      'orbit-lantern-pebble',
      'abcdefghijkl',
      'Zwölf Zeiche',
      'pass-phrase-Anna',
    ];
    const weak = [
      'abcd',
      'anna-secret',
      'cat cat cat',
      'ab ab ab ab ab',
      'aaaaaaaaaaaaaaa',
      '  eleven ch  ',
      'a b c d e f',
    ];
    for (const p of strong) expect(isStrongPassphrase(p), p).toBe(true);
    for (const p of weak) expect(isStrongPassphrase(p), p).toBe(false);
  });

  it('generates three different words from the 7,772-word list, always strong, spread over the list', () => {
    expect(PASSPHRASE_WORDS).toHaveLength(7_772);
    expect(new Set(PASSPHRASE_WORDS).size).toBe(7_772);
    const known = new Set(PASSPHRASE_WORDS);
    const firstLetters = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const passphrase = generatePassphrase();
      const words = passphrase.split('-');
      expect(new Set(words).size).toBe(3);
      for (const word of words) expect(known.has(word), word).toBe(true);
      expect(isStrongPassphrase(passphrase), passphrase).toBe(true);
      firstLetters.add(passphrase[0] as string);
    }
    // 2,000 draws reach words of (nearly) every initial letter the list has.
    const initials = new Set(PASSPHRASE_WORDS.map((w) => w[0]));
    expect(firstLetters.size).toBeGreaterThanOrEqual(initials.size - 2);
  });
});
