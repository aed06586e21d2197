import type { Cell, Comparison, StepRow } from './comparison.js';

/** Helpers for tests that assert on a `Comparison`; each throws an Error that says what differs. */

function archIndex(c: Comparison, arch: string): number {
  const i = c.archs.indexOf(arch);
  if (i < 0) throw new Error(`arch ${arch} is not in the comparison (${c.archs.join(', ')})`);
  return i;
}

/** The rows of `step` (in `flow` when given), in order. */
export function rowsOf(c: Comparison, step: string, flow?: string): StepRow[] {
  return c.flows.filter((f) => flow === undefined || f.flow === flow).flatMap((f) => f.steps.filter((s) => s.step === step));
}

/** What `arch` did at its first `step` (in `flow` when given); throws when it never ran it. */
export function cellAt(c: Comparison, arch: string, step: string, flow?: string): Cell {
  const a = archIndex(c, arch);
  const cell = rowsOf(c, step, flow)
    .map((r) => r.cells[a])
    .find((x) => x);
  if (!cell) throw new Error(`${arch} never ran ${flow ? `${flow}/` : ''}${step}`);
  return cell;
}

/** The vendor calls `arch` made over the whole run, in order. */
export function callsOf(c: Comparison, arch: string): string[] {
  const a = archIndex(c, arch);
  return c.flows.flatMap((f) => f.steps.flatMap((s) => s.cells[a]?.calls.map((x) => x.op) ?? []));
}

/** Asserts that on `arch` the vendor call `first` happens before `then` (first occurrences). */
export function expectCallOrder(c: Comparison, arch: string, first: string, then: string): void {
  const calls = callsOf(c, arch);
  const i = calls.indexOf(first);
  const j = calls.indexOf(then);
  if (i < 0 || j < 0) throw new Error(`${arch} made no ${i < 0 ? first : then} call`);
  if (i > j) throw new Error(`${arch} calls ${then} before ${first}`);
}

/** The arch-neutral steps `arch` ran in `flow`, in its order. */
export function stepOrder(c: Comparison, arch: string, flow: string): string[] {
  const a = archIndex(c, arch);
  return c.flows.filter((f) => f.flow === flow && !f.unwinding).flatMap((f) => f.steps.filter((s) => s.cells[a]).map((s) => s.step));
}

/** Asserts that `a` and `b` behaved differently at `step`: absent on one, moved, or another initiator, result or TDI state. */
export function expectDiffer(c: Comparison, a: string, b: string, step: string, flow?: string): void {
  const [i, j] = [archIndex(c, a), archIndex(c, b)];
  const rows = rowsOf(c, step, flow);
  const key = (x: Cell | null | undefined): string => (x ? JSON.stringify([x.initiator, x.result, x.after]) : 'absent');
  if (rows.length > 0 && rows.every((r) => key(r.cells[i]) === key(r.cells[j]))) {
    throw new Error(`${a} and ${b} did the same at ${flow ? `${flow}/` : ''}${step}`);
  }
}

/** The verdict of `arch`. */
export function verdictOf(c: Comparison, arch: string): Comparison['verdicts'][number] {
  return c.verdicts[archIndex(c, arch)] as Comparison['verdicts'][number];
}
