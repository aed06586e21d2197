import type { StateKey } from './explorer-world.js';

/** A TDI's code (device-host.ts): TDI state (0..3) × 4 + report read × 2 + MMIO mapped. */
const CODES = 16;

/**
 * The visited-set keys of a device model's states: per TDI, its tuple (TDI state, report read,
 * MMIO mapped: one code) and its remaining budgets; with the symmetry reduction, the tuples sorted.
 *
 * Why sorting is sound (the key then names an orbit of states under permutations of the TDIs,
 * and the search stores one representative per orbit, which preserves every verdict):
 *  - The TDIs are identical modulo identity: device-host.ts copies one TDI configuration to
 *    every function (only the Routing ID and the BAR addresses differ), every TDI gets the same
 *    events with the same budgets, and the host applies the same rules to each.
 *  - An event of TDI i reads and writes only TDI i's device record and host tuple (FLR of a
 *    function without VFs resets that function alone; BME clear is per function), and the
 *    shared parts of the device (the IDE stream every TDI locks to, which nothing here changes;
 *    the nonce source) do not tell TDIs apart: a nonce the device draws flows back unchanged in
 *    START, so which value a TDI got never decides a transition, and it is left out of the key
 *    as SPIN's model leaves it out.
 *  So firing event k on TDI π(i) in the permuted state gives the permuted successor of firing k
 *  on TDI i: the transition relation commutes with every permutation π. Deadlocks (nothing can
 *  fire, some TDI not CONFIG_UNLOCKED and unmapped) and the reachable tuples are invariant under
 *  π, so the reduced search reaches a state exactly when the full one reaches a permutation of it.
 * Without the reduction the tuples stay in TDI order: the key is SPIN's state vector.
 */
export class DeviceStateKeys {
  /** How many values one TDI's tuple takes: 16 codes (4 TDI states × rep × map) × each budget's 0..max. */
  private readonly tuples: number;
  /** The key is a number (a mixed-radix encoding of the tuples) when every key fits in 2^53. */
  private readonly numeric: boolean;
  private readonly values: number[];

  constructor(
    private readonly tdis: number,
    private readonly maxima: readonly number[],
    private readonly symmetric: boolean,
  ) {
    this.tuples = maxima.reduce((t, max) => t * (max + 1), CODES);
    this.numeric = this.tuples ** tdis <= Number.MAX_SAFE_INTEGER;
    this.values = new Array<number>(tdis).fill(0);
  }

  /** The key of the state with these codes (per TDI) and budgets (per TDI, per event). */
  key(codes: readonly number[], budgets: readonly number[]): StateKey {
    return this.numeric ? this.number(codes, budgets) : this.text(codes, budgets);
  }

  /** The tuples as digits of one number (a number-keyed visited set is far cheaper than strings). */
  private number(codes: readonly number[], budgets: readonly number[]): number {
    const { tdis, maxima, values } = this;
    const events = maxima.length;
    for (let i = 0; i < tdis; i += 1) {
      let t = codes[i] as number;
      for (let k = 0; k < events; k += 1) t = t * ((maxima[k] as number) + 1) + (budgets[i * events + k] as number);
      values[i] = t;
    }
    if (this.symmetric) values.sort((a, b) => a - b);
    let key = 0;
    for (const t of values) key = key * this.tuples + t;
    return key;
  }

  /** Tuple i as character codes: 'A' + its code, then 'a' + each budget (16 at most). */
  private text(codes: readonly number[], budgets: readonly number[]): string {
    const n = this.tdis;
    const width = this.maxima.length + 1;
    const chars = new Array<number>(n * width);
    for (let i = 0; i < n; i += 1) {
      chars[i * width] = 65 + (codes[i] as number);
      for (let k = 1; k < width; k += 1) chars[i * width + k] = 97 + (budgets[i * (width - 1) + k - 1] as number);
    }
    const key = String.fromCharCode(...chars);
    if (!this.symmetric || n === 1) return key;
    const tuples: string[] = [];
    for (let i = 0; i < n; i += 1) tuples.push(key.slice(i * width, (i + 1) * width));
    return tuples.sort().join('');
  }
}
