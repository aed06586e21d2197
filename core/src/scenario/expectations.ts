import type { FlowOutcome, StepRecord } from '../lifecycle/engine.js';
import type { Violation } from '../invariants/checker.js';
import type { World } from '../world/world.js';
import type { Expectations, Scenario } from './scenario.js';

/** One expectation and what the run showed. */
export interface ExpectationResult {
  readonly what: string;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

/** `expect` with the arch's own expectations merged over it, key by key. */
export function expectationsFor(s: Scenario, arch: string): Expectations {
  return { ...(s.expect ?? {}), ...(s.expectByArch?.[arch] ?? {}) };
}

const result = (what: string, expected: unknown, actual: unknown): ExpectationResult => ({
  what,
  expected: String(expected),
  actual: String(actual),
  ok: String(expected) === String(actual),
});

const nthOf = <T>(items: readonly T[], match: (x: T) => boolean, nth = 1): T | undefined => items.filter(match)[nth - 1];

/** A subsequence check: `order` appears, in order, among the steps that succeeded. */
function inOrder(steps: readonly StepRecord[], order: readonly string[]): string {
  const ran = steps.filter((s) => s.result === 'ok').map((s) => s.step);
  let at = 0;
  for (const step of order) {
    const found = ran.indexOf(step as StepRecord['step'], at);
    if (found < 0) return `${step} missing after ${order.slice(0, order.indexOf(step)).join(' → ') || 'the start'}`;
    at = found + 1;
  }
  return order.join(' → ');
}

export interface RunFacts {
  readonly w: World;
  readonly steps: readonly StepRecord[];
  readonly flows: readonly FlowOutcome[];
  readonly violations: readonly Violation[];
}

/** Evaluates every expectation against what the run did and where the world ended. */
export function evaluate(e: Expectations, { w, steps, flows, violations }: RunFacts): ExpectationResult[] {
  const out: ExpectationResult[] = [result('violation', e.violation ?? 'none', violations[0]?.invariant ?? 'none')];
  for (const [tdi, x] of Object.entries(e.tdi ?? {})) {
    if (x.state !== undefined) out.push(result(`${tdi} TDISP state`, x.state, w.link.tdiState(tdi)));
    if (x.bound !== undefined) out.push(result(`${tdi} bound (tsm/bound)`, x.bound, w.host.pci[tdi]?.bound !== undefined));
  }
  for (const [vm, x] of Object.entries(e.vm ?? {})) {
    const v = w.host.kvm[vm];
    if (x.phase !== undefined) out.push(result(`${vm} phase`, x.phase, v?.phase ?? 'never created'));
    if (x.killed !== undefined) out.push(result(`${vm} killed (KVM_BUG_ON)`, x.killed, v?.killed !== undefined));
  }
  for (const c of e.calls ?? []) {
    const hit = nthOf(w.tracer.entries, (t) => t.actor === 'firmware' && t.op === c.op, c.nth);
    out.push(result(`${c.op}${c.nth ? ` #${c.nth}` : ''} result`, c.result, hit?.result ?? 'not called'));
  }
  for (const s of e.steps ?? []) {
    const hit = nthOf(steps, (r) => r.step === s.step, s.nth);
    out.push(result(`step ${s.step}${s.nth ? ` #${s.nth}` : ''} result`, s.result, hit?.result ?? 'not run'));
  }
  for (const f of e.flows ?? []) {
    const hit = nthOf(flows, (r) => r.flow === f.flow, f.nth);
    out.push(result(`flow ${f.flow}${f.nth ? ` #${f.nth}` : ''} succeeded`, f.ok, hit ? hit.ok : 'not run'));
  }
  if (e.order) out.push(result('step order', e.order.join(' → '), inOrder(steps, e.order)));
  return out;
}
