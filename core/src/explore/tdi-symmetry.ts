/**
 * The visited-set key of a device-model state: per TDI, its tuple (TDI state, report read,
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
export function deviceStateKey(codes: readonly number[], budgets: readonly number[], symmetric: boolean): string {
  const n = codes.length;
  const width = budgets.length / n + 1;
  // Tuple i as character codes: 'A' + its code, then 'a' + each budget (16 at most).
  const chars = new Array<number>(n * width);
  for (let i = 0; i < n; i += 1) {
    chars[i * width] = 65 + (codes[i] as number);
    for (let k = 1; k < width; k += 1) chars[i * width + k] = 97 + (budgets[i * (width - 1) + k - 1] as number);
  }
  const key = String.fromCharCode(...chars);
  if (!symmetric || n === 1) return key;
  const tuples: string[] = [];
  for (let i = 0; i < n; i += 1) tuples.push(key.slice(i * width, (i + 1) * width));
  return tuples.sort().join('');
}
