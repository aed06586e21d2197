import { FAULT_KINDS, type FailNth, type FaultKind, type FaultState } from '../faults/fault-plan.js';

/**
 * The reduction: fail_nth counters that can no longer matter are forgotten. A counter decides
 * only whether its n-th call fails, so once it has passed the last n planned for its kind, every
 * later call succeeds whatever its value: states that differ only there behave alike (a
 * bisimulation, as SPIN's dead-variable reduction). The log of fired faults is history only.
 * Sound for every model; `--no-reduction` keeps the counters to check that verdicts agree.
 */
export function deadCounterView(failures: readonly FailNth[]): (s: FaultState) => FaultState {
  const last = Object.fromEntries(FAULT_KINDS.map((k) => [k, Math.max(0, ...failures.filter((f) => f.kind === k).map((f) => f.nth))])) as Record<FaultKind, number>;
  return (s) => ({
    counts: Object.fromEntries(FAULT_KINDS.map((k) => [k, Math.min(s.counts[k], last[k])])) as Record<FaultKind, number>,
    failures: s.failures,
    fired: [],
  });
}
