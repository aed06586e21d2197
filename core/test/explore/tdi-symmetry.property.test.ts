import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceStateKeys } from '../../src/explore/tdi-symmetry.js';

/**
 * The visited-set key of a device-model state, in both of its encodings (a number where every
 * key fits in 2^53, text beyond): two states get one key exactly when their per-TDI tuples
 * (code, budgets) are equal, in TDI order, or, with the symmetry reduction, as multisets.
 */

/** Eight events of max 2, as the SPIN bench models: 16 × 3^8 values per TDI. */
const MAXIMA = [2, 2, 2, 2, 2, 2, 2, 2];

/** A state of `tdis` TDIs: per TDI its code (0..15) and budgets (0..max each). */
const stateOf = (tdis: number) => fc.array(fc.tuple(fc.nat(15), fc.tuple(...MAXIMA.map((m) => fc.nat(m)))), { minLength: tdis, maxLength: tdis });

type State = [number, number[]][];
const codes = (s: State) => s.map(([c]) => c);
const budgets = (s: State) => s.flatMap(([, b]) => b);
const tuples = (s: State) => s.map((t) => JSON.stringify(t));
const sameMultiset = (a: State, b: State) => JSON.stringify(tuples(a).sort()) === JSON.stringify(tuples(b).sort());

/** A state and another: itself with its TDIs permuted, a near copy, or any other. */
const pair = (tdis: number) =>
  stateOf(tdis).chain((a) =>
    fc.tuple(
      fc.constant(a),
      fc.oneof(
        fc.shuffledSubarray(a, { minLength: tdis, maxLength: tdis }),
        fc.nat(tdis - 1).map((i) => a.map((t, j): [number, number[]] => (j === i ? [t[0] ^ 1, t[1]] : t))),
        stateOf(tdis),
      ),
    ),
  );

describe.each([
  { tdis: 2, encoding: 'number' },
  { tdis: 5, encoding: 'string' },
])('DeviceStateKeys, $tdis TDIs ($encoding keys)', ({ tdis, encoding }) => {
  it('is one key per state in TDI order without the reduction', () => {
    const keys = new DeviceStateKeys(tdis, MAXIMA, false);
    fc.assert(
      fc.property(pair(tdis), ([a, b]) => {
        const [ka, kb] = [keys.key(codes(a), budgets(a)), keys.key(codes(b), budgets(b))];
        expect(typeof ka).toBe(encoding);
        expect(ka === kb).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
      { numRuns: 500 },
    );
  });

  it('is one key per multiset of tuples with the symmetry reduction', () => {
    const keys = new DeviceStateKeys(tdis, MAXIMA, true);
    fc.assert(
      fc.property(pair(tdis), ([a, b]) => {
        expect(keys.key(codes(a), budgets(a)) === keys.key(codes(b), budgets(b))).toBe(sameMultiset(a, b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('DeviceStateKeys, every state of small bounds', () => {
  it('gives each of the 9,216 states of 2 TDIs × budgets (max 1, max 2) a number of its own', () => {
    const keys = new DeviceStateKeys(2, [1, 2], false);
    const tuples = Array.from({ length: 16 }, (_, c) => [0, 1].flatMap((x) => [0, 1, 2].map((y) => [c, x, y] as const))).flat();
    const seen = new Set<unknown>();
    for (const [c0, x0, y0] of tuples) for (const [c1, x1, y1] of tuples) seen.add(keys.key([c0, c1], [x0, y0, x1, y1]));
    expect([...seen].every((k) => typeof k === 'number')).toBe(true);
    expect(seen.size).toBe(tuples.length ** 2);
  });
});
