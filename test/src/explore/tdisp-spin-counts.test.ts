import { fileURLToPath } from 'node:url';
import { type DeviceExploreModel, exploreDevice, type ExploreResult, type DeviceStep, isDeviceModel, loadAnyModel } from '@teeio/core';
import { describe, expect, it } from 'vitest';

/**
 * Distinct states of bench/spin/tdisp.pml as SPIN 6.5.2 counted them ("states, stored"), with
 * full state storage and no partial-order reduction, each produced in bench/spin/ by
 *   spin -DN=<tdis> -DB=<max> -a tdisp.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan -m1000
 * teeio explores the same model, bench/spin/tdisp-n<N>-b<B>.json, over the simulated device and
 * must count exactly as many with the reduction off. N=3 (97,336 states, depth 21) and N,B = 2,2
 * are checked by `npm run bench`: too slow for every test run.
 */
const SPIN = [
  { tdis: 1, max: 1, states: 46, depth: 7 },
  { tdis: 1, max: 2, states: 494, depth: 14 },
  { tdis: 2, max: 1, states: 2116, depth: 14 },
] as const;

const modelFile = (tdis: number, max: number): DeviceExploreModel => {
  const m = loadAnyModel(fileURLToPath(new URL(`../../../bench/spin/tdisp-n${tdis}-b${max}.json`, import.meta.url)));
  if (!isDeviceModel(m)) throw new Error('bench/spin model files are device models');
  return m;
};

/** What must not depend on the reduction: violations, the shortest deadlock, firmware errors reached. */
const verdict = (r: ExploreResult<DeviceStep>) => ({ violations: r.violations, deadlock: r.deadlock, firmwareErrors: r.firmwareErrors, depth: r.depth, complete: r.complete });

/** Multisets of size k from n kinds: C(n + k - 1, k). */
function multisets(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i += 1) c = (c * (n + i - 1)) / i;
  return c;
}

describe('the TDISP model shared with SPIN, as model files', () => {
  for (const { tdis, max, states, depth } of SPIN) {
    it(`N=${tdis}, each event at most ${max}x: ${states} distinct states without reduction, as SPIN counted`, async () => {
      const r = await exploreDevice(modelFile(tdis, max), { reduction: false });
      expect(r.states).toBe(states);
      expect(r.depth).toBe(depth);
      expect(r.complete).toBe(true);
    }, 120_000);
  }
});

describe('symmetry over TDIs', () => {
  // One TDI alone reaches SPIN's N=1 count; N identical TDIs reach every product of those
  // (SPIN's N=2 count is 46²), and the reduction keeps one state per multiset of per-TDI states.
  const perTdi = SPIN[0].states;
  it.each([
    [2, multisets(perTdi, 2)],
    [3, multisets(perTdi, 3)],
  ])('N=%i, B=1: one state per multiset of per-TDI states (%i)', async (tdis, expected) => {
    expect([multisets(46, 2), multisets(46, 3)]).toEqual([1081, 17296]);
    const r = await exploreDevice(modelFile(tdis, 1));
    expect(r.reduction).toBe(true);
    expect(r.states).toBe(expected);
  }, 120_000);

  it('changes nothing for one TDI', async () => {
    const r = await exploreDevice(modelFile(1, 2));
    expect(r.states).toBe(SPIN[1].states);
  }, 120_000);

  it('gives the verdicts of the full search: firmware errors, their shortest traces, the depth', async () => {
    const m = modelFile(2, 1);
    const [on, off] = [await exploreDevice(m), await exploreDevice(m, { reduction: false })];
    expect(on.firmwareErrors.map((f) => f.code)).toEqual(['INVALID_INTERFACE_STATE', 'TDX_DEVIF_TDISP_INVALID_STATE']);
    expect(verdict(on)).toEqual(verdict(off));
  }, 120_000);

  it('finds the deadlocks of the full search: without STOP, TDIs that ran everything are stuck locked', async () => {
    const m: DeviceExploreModel = { ...modelFile(2, 1), name: 'no-stop', events: [{ fire: 'lock' }, { fire: 'report' }, { fire: 'start' }, { fire: 'map' }] };
    const [on, off] = [await exploreDevice(m), await exploreDevice(m, { reduction: false })];
    // Nothing can fire only once each TDI has locked, read its report, started and been mapped
    // (each event fires while the TDI is locked): both TDIs RUN, mapped, after 2 x 4 events.
    expect(off.deadlock?.depth).toBe(8);
    expect(verdict(on)).toEqual(verdict(off));
    expect([on.deadlocks, off.deadlocks]).toEqual([1, 1]);
  }, 120_000);
});
