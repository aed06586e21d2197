import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/util/bounded-cache.js';

describe('BoundedCache', () => {
  it('derives a key once while it is held, and again after the cache filled and dropped it', () => {
    const derived: string[] = [];
    const c = new BoundedCache<string, number>(2);
    const len = (k: string) => (derived.push(k), k.length);
    expect([c.get('a', len), c.get('bb', len), c.get('a', len)]).toEqual([1, 2, 1]);
    expect(derived).toEqual(['a', 'bb']);
    // Full at 2: a third key drops both before it is held.
    expect(c.get('ccc', len)).toBe(3);
    expect(c.get('a', len)).toBe(1);
    expect(derived).toEqual(['a', 'bb', 'ccc', 'a']);
  });
});
