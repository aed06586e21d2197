/** foldRelays: unfolding the blocks gives the trace back, and a relay repeated in a row is one block. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldRelays } from '../../src/report/repeats.js';
import type { TraceEntry } from '../../src/trace/tracer.js';

const entry = fc.record({ actor: fc.constantFrom('pci' as const, 'firmware' as const, 'device' as const), op: fc.constantFrom('KEY_PROG', 'RMI_PDEV_COMMUNICATE', 'K_SET_GO'), result: fc.constantFrom('ok', 'KP_ACK') });

const numbered = (entries: readonly Omit<TraceEntry, 'seq'>[]): TraceEntry[] => entries.map((e, i) => ({ ...e, seq: i + 1 }));

describe('foldRelays', () => {
  it('unfolds to the trace it folded', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const trace = numbered(entries);
        const unfolded = foldRelays(trace).flatMap((b) => Array.from({ length: b.times }, () => b.entries.map(({ seq: _, ...e }) => e)).flat());
        expect(unfolded).toEqual(entries);
      }),
    );
  });

  it('folds six relays of a firmware call and a device exchange into one block, but not calls alone', () => {
    const relay = [{ actor: 'firmware' as const, op: 'RMI_PDEV_COMMUNICATE', result: 'ok' }, { actor: 'device' as const, op: 'KEY_PROG', result: 'KP_ACK' }];
    const blocks = foldRelays(numbered([...Array(6).fill(relay).flat(), relay[0], relay[0]]));
    expect(blocks.map((b) => [b.entries.length, b.times])).toEqual([[2, 6], [1, 1], [1, 1]]);
  });
});
