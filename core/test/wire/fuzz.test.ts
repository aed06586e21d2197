/**
 * Requirement 3: at least 100,000 random and mutated buffers per layer (doe, spdm, tdisp, idekm,
 * report and the stacked decode) with zero crashes: anything thrown is a WireDecodeError, and a
 * successful decode re-encodes to the input exactly (see fuzz-engine.ts for every check).
 * WIRE_FUZZ_SEED and WIRE_FUZZ_RUNS override the seed and the count; a failure prints the seed,
 * the iteration and the input as hex.
 */
import { describe, expect, it } from 'vitest';
import { FUZZ_LAYERS, RUNS, SEED, runFuzz } from './fuzz-engine.js';

describe(`wire fuzz: ${RUNS} inputs per layer, seed ${SEED}`, () => {
  FUZZ_LAYERS.forEach((l, index) => {
    it(l.name, { timeout: 60_000 }, () => {
      const { stats, ms, failure } = runFuzz(index);
      if (failure !== undefined) throw new Error(failure);
      const summary = [...stats].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
      console.log(`wire fuzz [${l.name}] ${RUNS} inputs in ${ms} ms: ${summary.join(', ')}`);
      expect([...stats.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);
      // The fuzz must reach past the first check: successes and several kinds of rejection.
      const ok = (stats.get('ok') ?? 0) + (stats.get('ok (reserved flagged)') ?? 0);
      expect(ok).toBeGreaterThan(RUNS / 50);
      expect(stats.size).toBeGreaterThanOrEqual(4);
    });
  });
});
