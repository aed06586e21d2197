import { describe, expect, it } from 'vitest';
import { REPORT_PAGE_SIZE, pagesEnd, rangeBase, withinPages } from '../../src/wire/index.js';

describe('report pages', () => {
  it('are 4 KiB, and a range of n pages ends n × 4 KiB after its base, exclusive', () => {
    expect(REPORT_PAGE_SIZE).toBe(0x1000n);
    expect(pagesEnd(0x3810_0000_0n, 16)).toBe(0x3810_1000_0n);
    expect(rangeBase({ firstPage: 0x8000n, numberOfPages: 4, rangeAttributes: 0, rangeId: 2 })).toBe(0x800_0000n);
  });

  it('contain their first and last byte, not the byte after or before', () => {
    const base = 0x800_0000n;
    expect([withinPages(base, base, 4), withinPages(base + 0x3fffn, base, 4), withinPages(base + 0x4000n, base, 4), withinPages(base - 1n, base, 4)]).toEqual([true, true, false, false]);
    expect(withinPages(base, base, 0)).toBe(false);
  });
});
