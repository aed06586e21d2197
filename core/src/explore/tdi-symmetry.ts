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
  const kinds = budgets.length / n;
  // Tuple i as character codes: 'A' + its code, then 'a' + each budget (16 at most).
  const tuple = (i: number, at: number): number => (at === 0 ? 65 + (codes[i] as number) : 97 + (budgets[i * kinds + at - 1] as number));
  const order = Array.from({ length: n }, (_, i) => i);
  if (symmetric) {
    order.sort((i, j) => {
      for (let at = 0; at <= kinds; at += 1) {
        const d = tuple(i, at) - tuple(j, at);
        if (d !== 0) return d;
      }
      return 0;
    });
  }
  const chars: number[] = [];
  for (const i of order) for (let at = 0; at <= kinds; at += 1) chars.push(tuple(i, at));
  return String.fromCharCode(...chars);
}
