/**
 * Per-granule state held as runs: a record by base address (hex) of runs of `pages` 4 KiB
 * granules that share one value, where a run's value may advance with the granule (an RTT
 * entry's PA does, a granule's state does not). The RMM acts per granule (arm-cca.md §3:
 * delegation, RTT_DEV_MAP, UNMAP walk granule by granule); a BAR of 2^n granules kept one record
 * each makes every snapshot, restore and hash of the world as large as the BARs. Runs are kept
 * normal (no empty run, no two adjacent runs one would continue into the other), so two
 * per-granule states are equal exactly when their runs are: the world's canonical hash is
 * unchanged as a relation.
 */

export const GRANULE = 0x1000n;

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** A run of granules: the value of its first granule, and how many granules it covers. */
export type Run<V> = V & { readonly pages: number };
export type Runs<V> = Record<string, Run<V>>;

/** How a value advances along a run, and when two values are the same. */
export interface RunKind<V> {
  /** The value `k` granules after one holding `v`. */
  readonly slide: (v: V, k: number) => V;
  readonly same: (a: V, b: V) => boolean;
}

/** A piece of [base, base + pages): its first granule's offset and address, its length, and its value (absent: no entry). */
export interface Piece<V> {
  readonly offset: number;
  readonly base: bigint;
  readonly pages: number;
  readonly value: V | undefined;
}

interface Located<V> {
  readonly base: bigint;
  readonly run: Run<V>;
}

const end = (r: Located<unknown>): bigint => r.base + BigInt(r.run.pages) * GRANULE;

/** The runs in address order. */
function located<V>(runs: Runs<V>): Located<V>[] {
  return Object.entries(runs)
    .map(([k, run]) => ({ base: BigInt(k), run }))
    .sort((a, b) => (a.base < b.base ? -1 : 1));
}

/** The run value without its length. */
function valueOf<V>(run: Run<V>): V {
  const { pages: _, ...v } = run;
  return v as V;
}

/** [base, base + pages) cut where runs start or end, in address order, gaps included. */
export function pieces<V>(runs: Runs<V>, kind: RunKind<V>, base: bigint, pages: number): Piece<V>[] {
  const top = base + BigInt(pages) * GRANULE;
  const out: Piece<V>[] = [];
  let at = base;
  const push = (to: bigint, value: V | undefined) => {
    if (to <= at) return;
    out.push({ offset: Number((at - base) / GRANULE), base: at, pages: Number((to - at) / GRANULE), value });
    at = to;
  };
  for (const r of located(runs)) {
    if (end(r) <= at || r.base >= top) continue;
    push(r.base, undefined);
    const stop = end(r) < top ? end(r) : top;
    const value = kind.slide(valueOf(r.run), Number((at - r.base) / GRANULE));
    push(stop, value);
  }
  push(top, undefined);
  return out;
}

/** The value of the granule holding `addr`, if any. */
export function lookup<V>(runs: Runs<V>, kind: RunKind<V>, addr: bigint): V | undefined {
  return pieces(runs, kind, addr - (addr % GRANULE), 1)[0]?.value;
}

/**
 * Sets every granule of [base, base + pages) to `value` sliding along (undefined removes them):
 * runs overlapping it are cut, then neighbours that continue one another are merged.
 */
export function assign<V>(runs: Runs<V>, kind: RunKind<V>, base: bigint, pages: number, value: NoInfer<V> | undefined): void {
  const top = base + BigInt(pages) * GRANULE;
  for (const r of located(runs)) {
    if (end(r) <= base || r.base >= top) continue;
    delete runs[hex(r.base)];
    const v = valueOf(r.run);
    if (r.base < base) runs[hex(r.base)] = { ...v, pages: Number((base - r.base) / GRANULE) } as Run<V>;
    if (end(r) > top) runs[hex(top)] = { ...kind.slide(v, Number((top - r.base) / GRANULE)), pages: Number((end(r) - top) / GRANULE) } as Run<V>;
  }
  if (value !== undefined && pages > 0) runs[hex(base)] = { ...value, pages } as Run<V>;
  merge(runs, kind);
}

/** Joins each run with the next when the one continues into the other. */
function merge<V>(runs: Runs<V>, kind: RunKind<V>): void {
  let prev: Located<V> | undefined;
  for (const r of located(runs)) {
    if (prev && end(prev) === r.base && kind.same(kind.slide(valueOf(prev.run), prev.run.pages), valueOf(r.run))) {
      delete runs[hex(r.base)];
      prev = { base: prev.base, run: { ...prev.run, pages: prev.run.pages + r.run.pages } };
      runs[hex(prev.base)] = prev.run;
    } else prev = r;
  }
}

/** Every value of a run of [base, base + pages), rewritten by `change` (gaps stay gaps). */
export function update<V>(runs: Runs<V>, kind: RunKind<V>, base: bigint, pages: number, change: (v: V) => NoInfer<V>): void {
  for (const p of pieces(runs, kind, base, pages)) if (p.value !== undefined) assign(runs, kind, p.base, p.pages, change(p.value));
}

/**
 * The offsets in [0, pages) where a property of granule `base + k` that is constant between
 * the given address bounds may change: checking a granule there stands for the whole piece.
 */
export function cuts(base: bigint, pages: number, bounds: readonly bigint[]): number[] {
  const inside = bounds.map((b) => (b <= base ? 0 : Number((b - base + GRANULE - 1n) / GRANULE))).filter((k) => k < pages);
  return [...new Set([0, ...inside])].sort((a, b) => a - b);
}

/** The start and end of every run: where a run's value changes. */
export function bounds<V>(runs: Runs<V>): bigint[] {
  return located(runs).flatMap((r) => [r.base, end(r)]);
}
