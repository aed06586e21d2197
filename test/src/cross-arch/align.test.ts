/** The alignment keeps every sequence, in order, and puts a key all sequences share in order on one row. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { align } from '../../../core/src/compare/align.js';

const seqs = fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 8 }), { minLength: 1, maxLength: 4 });

describe('align', () => {
  it('recovers each sequence from its column', () => {
    fc.assert(
      fc.property(seqs, (input) => {
        const rows = align(input);
        input.forEach((seq, s) => {
          const col = rows.filter((r) => (r.at[s] ?? -1) >= 0);
          expect(col.map((r) => r.key)).toEqual(seq);
          expect(col.map((r) => r.at[s])).toEqual(seq.map((_, i) => i));
        });
      }),
    );
  });

  it('aligns two identical sequences row for row', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 10 }), (seq) => {
        expect(align([seq, seq]).every((r) => r.at[0] === r.at[1])).toBe(true);
      }),
    );
  });

  it('shows a moved key as a row with a gap on each side', () => {
    const rows = align([['stop', 'unmap', 'unbind'], ['unmap', 'stop', 'unbind']]);
    expect(rows.map((r) => [r.key, ...r.at])).toEqual([
      ['stop', 0, -1],
      ['unmap', 1, 0],
      ['stop', -1, 1],
      ['unbind', 2, 2],
    ]);
  });
});
