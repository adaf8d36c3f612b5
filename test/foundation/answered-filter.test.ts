import { describe, expect, it } from 'vitest';
import { AnsweredFilter } from '../../src/runtime/answered-filter.js';

describe('the answered-request filter', () => {
  it('never forgets an added id, and lets almost every new id skip the store', () => {
    const filter = new AnsweredFilter();
    const added = Array.from({ length: 100_000 }, (_, i) => `admin/c-${i % 50}\u0000r-${i}`);
    for (const key of added) filter.add(key);
    expect(added.every((key) => filter.mayContain(key))).toBe(true);
    const fresh = Array.from({ length: 100_000 }, (_, i) => `admin/c-${i % 50}\u0000fresh-${i}`);
    const maybes = fresh.filter((key) => filter.mayContain(key)).length;
    expect(maybes).toBeLessThan(100);
  });
});
