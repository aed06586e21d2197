import { INVARIANTS } from '../invariants/index.js';
import type { ExploreResult, TraceStep } from './result.js';

/** One row of the cross-arch table: something an order of events can reach, and how soon on each arch. */
export interface ReachRow {
  readonly kind: 'invariant' | 'deadlock' | 'firmware-error';
  /** The invariant id, `deadlock`, or the firmware error code. */
  readonly name: string;
  /** Per arch: the length of the shortest trace that reaches it, or null when no order does. */
  readonly depth: Readonly<Record<string, number | null>>;
}

/**
 * Which invariants, deadlocks and firmware errors each arch can reach under one model: the
 * comparison of arch behaviours over all orders. Every invariant has a row (unreached ones too);
 * firmware errors are the union of what any arch reached, by code.
 */
export function reachTable(results: readonly ExploreResult<TraceStep>[]): ReachRow[] {
  const row = (kind: ReachRow['kind'], name: string, depthOn: (r: ExploreResult<TraceStep>) => number | undefined): ReachRow => ({
    kind,
    name,
    depth: Object.fromEntries(results.map((r) => [r.arch, depthOn(r) ?? null])),
  });
  const codes = [...new Set(results.flatMap((r) => r.firmwareErrors.map((f) => f.code)))].sort();
  return [
    ...INVARIANTS.map((i) => row('invariant', i.id, (r) => r.violations.find((v) => v.invariant === i.id)?.depth)),
    row('deadlock', 'deadlock', (r) => r.deadlock?.depth),
    ...codes.map((c) => row('firmware-error', c, (r) => r.firmwareErrors.find((f) => f.code === c)?.depth)),
  ];
}
