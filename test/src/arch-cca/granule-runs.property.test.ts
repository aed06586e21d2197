import { CCA, type RmmState, x0Of } from '@teeio/arch-cca';
import type { FwResult } from '@teeio/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DSM, GUEST_RID, TDI, VM, ccaModel } from './harness.js';

/**
 * The RMM holds device granules and RTT device entries in runs; the reference (arm-cca.md §3,
 * §5) acts per 4 KiB granule. This test's model keeps one record per granule and answers every
 * call as the reference reads, granule by granule, lowest address first; the plugin must give
 * the same status, the same registers, the same failing granule and the same state.
 */

const G = 0x1000n;
const PA = 0x4000_0000n;
const IPA = 0x2_0000_0000n;
/** The window of granules the calls touch, partly inside the VDEV's ranges. */
const WINDOW = 16;
const RANGES = [
  { base: PA + 2n * G, size: 8n * G },
  { base: PA + 12n * G, size: 2n * G },
];
const RUNS = { numRuns: 300, seed: 20261204 };

type GranuleState = 'DELEGATED' | 'MAPPED';
interface Entry {
  state: 'ASSIGNED_DEV' | 'UNASSIGNED';
  ripas: string;
  pa?: bigint;
  tdi?: string;
}

/** What a call gave: its status, x0 (status | level << 8), and the granule or entry the failure names. */
interface Answer {
  readonly code: string;
  readonly x0: number;
  readonly at?: bigint;
}

const ok: Answer = { code: 'ok', x0: 0 };
const input = (at: bigint): Answer => ({ code: CCA.ERROR_INPUT, x0: x0Of(CCA.ERROR_INPUT), at });
/** RMI_ERROR_RTT carries the level its walk stopped at: 3 for device memory. */
const rtt = (at?: bigint): Answer => ({ code: CCA.ERROR_RTT, x0: x0Of(CCA.ERROR_RTT, 3), ...(at === undefined ? {} : { at }) });
const span = (base: bigint, pages: number): bigint[] => Array.from({ length: pages }, (_, i) => base + BigInt(i) * G);
const inRanges = (pa: bigint): boolean => RANGES.some((r) => pa >= r.base && pa < r.base + r.size);

/** The per-granule reference. */
class PerGranule {
  readonly granules = new Map<bigint, GranuleState>();
  readonly rtt = new Map<bigint, Entry>();

  delegate(pa: bigint, pages: number): Answer {
    const taken = span(pa, pages).find((g) => this.granules.has(g));
    if (taken !== undefined) return input(taken);
    for (const g of span(pa, pages)) this.granules.set(g, 'DELEGATED');
    return ok;
  }

  undelegate(pa: bigint, pages: number): Answer {
    const busy = span(pa, pages).find((g) => this.granules.get(g) !== 'DELEGATED');
    if (busy !== undefined) return input(busy);
    for (const g of span(pa, pages)) this.granules.delete(g);
    return ok;
  }

  map(ipa: bigint, pa: bigint, pages: number): Answer {
    for (let k = 0n; k < BigInt(pages); k++) {
      const [i, p] = [ipa + k * G, pa + k * G];
      if (!inRanges(p) || this.granules.get(p) !== 'DELEGATED') return input(p);
      if (this.rtt.get(i)?.state === 'ASSIGNED_DEV') return rtt(i);
    }
    for (let k = 0n; k < BigInt(pages); k++) {
      this.rtt.set(ipa + k * G, { state: 'ASSIGNED_DEV', ripas: this.rtt.get(ipa + k * G)?.ripas ?? 'EMPTY', pa: pa + k * G, tdi: TDI });
      this.granules.set(pa + k * G, 'MAPPED');
    }
    return ok;
  }

  validate(ipa: bigint, pa: bigint, pages: number): Answer {
    const bad = span(ipa, pages).find((i) => this.rtt.get(i)?.state !== 'ASSIGNED_DEV' || this.rtt.get(i)?.pa !== pa + (i - ipa));
    if (bad !== undefined) return rtt(bad);
    for (const i of span(ipa, pages)) Object.assign(this.rtt.get(i) as Entry, { ripas: 'DEV' });
    return ok;
  }

  unmap(ipa: bigint, pages: number): Answer {
    if (span(ipa, pages).some((i) => this.rtt.get(i)?.state !== 'ASSIGNED_DEV')) return rtt();
    for (const i of span(ipa, pages)) {
      this.granules.set(this.rtt.get(i)?.pa as bigint, 'DELEGATED');
      this.rtt.set(i, { state: 'UNASSIGNED', ripas: 'DESTROYED' });
    }
    return ok;
  }

  release(ipa: bigint, pages: number): Answer {
    for (const i of span(ipa, pages)) {
      const e = this.rtt.get(i);
      if (e?.state === 'ASSIGNED_DEV') e.ripas = 'EMPTY';
    }
    return ok;
  }

  /** RMI_VDEV_UNLOCK's x1: the lowest PA in the VDEV's ranges an entry maps. */
  mapped(): bigint | undefined {
    const pas = [...this.rtt.values()].flatMap((e) => (e.state === 'ASSIGNED_DEV' && e.pa !== undefined && inRanges(e.pa) ? [e.pa] : []));
    return pas.length === 0 ? undefined : pas.reduce((a, b) => (b < a ? b : a));
  }
}

/** The plugin's runs, one record per granule (a run's PA advances with its IPA). */
function perGranule(s: RmmState): { granules: Map<bigint, GranuleState>; rtt: Map<bigint, Entry> } {
  const granules = new Map<bigint, GranuleState>();
  for (const [base, run] of Object.entries(s.granules)) for (const g of span(BigInt(base), run.pages)) granules.set(g, run.state);
  const rttMap = new Map<bigint, Entry>();
  for (const [base, run] of Object.entries(s.realms[VM]?.rtt ?? {}))
    span(BigInt(base), run.pages).forEach((i, k) => {
      const { pages: _, pa, tdi, ...rest } = run;
      rttMap.set(i, { ...rest, ...(pa === undefined ? {} : { pa: BigInt(pa) + BigInt(k) * G }), ...(tdi === undefined ? {} : { tdi }) });
    });
  return { granules, rtt: rttMap };
}

/** Runs in address order as [start, end) pairs with the value each starts with. */
function ordered<V extends { pages: number }>(runs: Record<string, V>): { start: bigint; end: bigint; run: V }[] {
  return Object.entries(runs)
    .map(([k, run]) => ({ start: BigInt(k), end: BigInt(k) + BigInt(run.pages) * G, run }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/** No empty run, no overlap, and no run that the one before continues (then equal states have equal runs). */
function normal(s: RmmState): boolean {
  const g = ordered(s.granules);
  const r = ordered(s.realms[VM]?.rtt ?? {});
  const continues = <V extends { pages: number }>(a: { end: bigint; run: V }, b: { start: bigint; run: V }, same: (x: V, y: V) => boolean) => a.end === b.start && same(a.run, b.run);
  return (
    [...g, ...r].every((x) => x.run.pages > 0) &&
    g.every((x, i) => i === 0 || ((g[i - 1]?.end ?? 0n) <= x.start && !continues(g[i - 1] as (typeof g)[number], x, (a, b) => a.state === b.state))) &&
    r.every((x, i) => {
      const prev = r[i - 1];
      if (!prev) return true;
      const slid = prev.run.pa === undefined ? undefined : BigInt(prev.run.pa) + BigInt(prev.run.pages) * G;
      return prev.end <= x.start && !continues(prev, x, (a, b) => a.state === b.state && a.ripas === b.ripas && a.tdi === b.tdi && slid === (b.pa === undefined ? undefined : BigInt(b.pa)));
    })
  );
}

const OP = fc.record({
  // 'place' delegates then maps the same granules, as KVM does: most sequences then map something.
  op: fc.constantFrom('delegate', 'undelegate', 'map', 'place', 'validate', 'unmap', 'release'),
  pa: fc.nat(WINDOW - 1),
  ipa: fc.nat(WINDOW - 1),
  pages: fc.integer({ min: 1, max: 6 }),
});
type Op = typeof OP extends fc.Arbitrary<infer T> ? T : never;

describe('device granules and RTT entries held in runs (reference §3, §5)', () => {
  it('answer DELEGATE, MAP, VALIDATE, UNMAP, IPA_STATE_SET and UNDELEGATE sequences as a per-granule RMM does, and stay in normal form', () => {
    fc.assert(
      fc.property(fc.array(OP, { minLength: 1, maxLength: 30 }), (ops: Op[]) => {
        const h = ccaModel();
        h.flow('connect', 'createVpci');
        expect(h.vdev.create(VM, DSM, TDI, { vdevId: GUEST_RID, addrRanges: RANGES }).ok).toBe(true);
        const model = new PerGranule();
        for (const o of ops.flatMap((x) => (x.op === 'place' ? [{ ...x, op: 'delegate' }, { ...x, op: 'map' }] : [x]))) {
          const [pa, ipa] = [PA + BigInt(o.pa) * G, IPA + BigInt(o.ipa) * G];
          const [got, want]: [FwResult<unknown>, Answer] =
            o.op === 'delegate' ? [h.rtt.delegate(pa, o.pages), model.delegate(pa, o.pages)]
            : o.op === 'undelegate' ? [h.rtt.undelegate(pa, o.pages), model.undelegate(pa, o.pages)]
            : o.op === 'map' ? [h.rtt.map(VM, TDI, ipa, pa, o.pages), model.map(ipa, pa, o.pages)]
            : o.op === 'validate' ? [h.rtt.validate(VM, ipa, pa, o.pages), model.validate(ipa, pa, o.pages)]
            : o.op === 'unmap' ? [h.rtt.unmap(VM, ipa, o.pages), model.unmap(ipa, o.pages)]
            : [h.rsi.ipaStateSetEmpty(VM, ipa, o.pages), model.release(ipa, o.pages)];
          expect(got.ok ? 'ok' : got.code).toBe(want.code);
          if (o.op !== 'release') expect(h.fw.state.regs.x0).toBe(want.x0);
          // The failure names the first failing granule (or entry): its address is in the detail.
          if (want.at !== undefined) expect(got.ok ? '' : got.detail).toMatch(new RegExp(`\\b0x${want.at.toString(16)}\\b`));
          expect(perGranule(h.fw.state)).toEqual({ granules: model.granules, rtt: model.rtt });
          expect(normal(h.fw.state)).toBe(true);
          const v = h.fw.vdev(TDI);
          const mapped = model.mapped();
          expect(v && h.vdev.mappedGranule(v)).toBe(mapped === undefined ? undefined : `0x${mapped.toString(16)}`);
        }
      }),
      RUNS,
    );
  });
});
