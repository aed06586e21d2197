/** wrapSpans: every line within the width, and the words come back whole and in order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapSpans } from '../../src/util/wrap.js';

const word = fc.stringMatching(/^[a-z0-9=:.,()-]{1,30}$/);

describe('wrapSpans', () => {
  it('fits every line in the width and loses no character', () => {
    fc.assert(
      fc.property(fc.array(fc.array(word, { maxLength: 6 }), { maxLength: 6 }), fc.integer({ min: 12, max: 100 }), fc.integer({ min: 0, max: 8 }), (spans, width, hang) => {
        const first = 'x'.repeat(hang);
        const rest = ' '.repeat(hang);
        const lines = wrapSpans(spans.map((words) => ({ text: words.join(' ') })), width, first, rest);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
        expect(lines.slice(1).every((l) => l.startsWith(rest))).toBe(true);
        const joined = [lines[0]?.slice(hang) ?? '', ...lines.slice(1).map((l) => l.slice(hang))].join('').replace(/ /g, '');
        expect(joined).toBe(spans.flat().join(''));
      }),
    );
  });

  it('paints each word, so a break never falls inside a colour', () => {
    const lines = wrapSpans([{ text: 'aaaa bbbb', paint: (s) => `<${s}>` }], 8, '', '');
    expect(lines).toEqual(['<aaaa>', '<bbbb>']);
  });
});
