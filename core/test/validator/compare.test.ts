import { describe, expect, it } from 'vitest';
import { compare } from '../../src/validator/compare.js';

const none = (t: unknown) => t;

describe('comparisons on JSON-view values', () => {
  it('compares numbers whether written as numbers or hex', () => {
    expect(compare('errorData', '0x0000008f', { equals: 0x8f }, none)).toEqual([]);
    expect(compare('portionLength', 64, { atLeast: 1, atMost: '0x40' }, none)).toEqual([]);
    expect(compare('portionLength', 65, { atLeast: 1, atMost: '0x40' }, none)).toEqual(['portionLength 65 is not at most 0x40']);
  });

  it('compares names and byte strings as they are', () => {
    expect(compare('tdiState', 'RUN', { equals: 'CONFIG_LOCKED' }, none)).toEqual(['tdiState is RUN, expected CONFIG_LOCKED']);
    expect(compare('nonce', 'ABCD', { equals: 'abcd' }, none)).toEqual([]);
  });

  it('finds an element in a list', () => {
    expect(compare('versionNumEntries', ['0x10'], { includes: 0x10 }, none)).toEqual([]);
    expect(compare('versionNumEntries', ['0x11'], { includes: '0x10' }, none)).toEqual(['versionNumEntries ["0x11"] does not include 0x10']);
  });

  it('masks numbers and bytes', () => {
    expect(compare('reqMsgSupported', 'fe000000', { bitsSet: 'fe' }, none)).toEqual([]);
    expect(compare('reqMsgSupported', '7f000000', { bitsSet: 'fe' }, none)).toEqual(['reqMsgSupported 7f000000 lacks bits fe']);
    expect(compare('flags', '0x0007', { bitsSet: 4 }, none)).toEqual([]);
  });

  it('relates the ranges of two reports by a page shift', () => {
    const base = [{ firstPage: '0x0' }, { firstPage: '0x8000' }];
    const from = { ref: 'base' };
    const resolve = (t: unknown) => (t === from ? base : t);
    expect(compare('mmioRanges', [{ firstPage: '0xd0000' }, { firstPage: '0xd8000' }], { rangesShiftedBy: { from, pages: '0xd0000' } }, resolve)).toEqual([]);
    expect(compare('mmioRanges', base, { rangesShiftedBy: { from, pages: '0xd0000' } }, resolve)).toEqual([
      'mmioRanges[0].firstPage 0x0 is not 0x0 + 0xd0000',
      'mmioRanges[1].firstPage 0x8000 is not 0x8000 + 0xd0000',
    ]);
  });

  it('reports an absent field', () => {
    expect(compare('reportSize', undefined, { equals: 100 }, none)).toEqual(['reportSize is absent']);
  });
});
