import { TdispSpinModel } from '@teeio/core';
import { describe, expect, it } from 'vitest';

/**
 * Distinct states of bench/spin/tdisp.pml as SPIN 6.5.2 counted them ("states, stored"), with
 * full state storage and no partial-order reduction, each produced in bench/spin/ by
 *   spin -DN=<tdis> -DB=<max> -a tdisp.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan -m1000
 * The explorer runs the same model over the simulated device and must count exactly as many.
 * N=3 (97336 states, depth 21) is checked by `npm run bench`: too slow for every test run.
 */
const SPIN = [
  { tdis: 1, max: 1, states: 46, depth: 7 },
  { tdis: 1, max: 2, states: 494, depth: 14 },
  { tdis: 2, max: 1, states: 2116, depth: 14 },
] as const;

describe('the TDISP model shared with SPIN', () => {
  for (const { tdis, max, states, depth } of SPIN) {
    it(`N=${tdis}, each event at most ${max}x: ${states} distinct states, as SPIN counted`, () => {
      const count = new TdispSpinModel({ tdis, max }).count();
      expect(count.states).toBe(states);
      expect(count.depth).toBe(depth);
    }, 120_000);
  }
});
