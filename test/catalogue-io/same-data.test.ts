import { describe, expect, it } from 'vitest';
import { sameData } from '../../src/catalogue-io/same-data.js';

describe('sameData, the plan diff’s deep equality (in place of node:util)', () => {
  it('compares primitives, arrays and plain objects all the way down', () => {
    expect(sameData({ a: [1, { b: 'x' }], c: null }, { c: null, a: [1, { b: 'x' }] })).toBe(true);
    expect(sameData({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(sameData([1, 2], [2, 1])).toBe(false);
    expect(sameData([1], [1, 1])).toBe(false);
    expect(sameData(Number.NaN, Number.NaN)).toBe(true);
    expect(sameData(0, '0')).toBe(false);
    expect(sameData([], {})).toBe(false);
    expect(sameData(null, {})).toBe(false);
  });

  it('tells a key holding undefined from a missing key, as a strict deep comparison does', () => {
    expect(sameData({ a: undefined }, {})).toBe(false);
    expect(sameData({ a: undefined }, { b: undefined })).toBe(false);
    expect(sameData({ a: undefined }, { a: undefined })).toBe(true);
  });
});
