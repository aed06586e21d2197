/**
 * fail_nth over the lifecycle on the reference plugin: every firmware call, every DOE exchange
 * and every host allocation of a clean run is made to fail in turn. Each run must end with no
 * invariant broken (nothing leaked, no stale mapping, nothing reachable), the failure reported
 * where it happened with the injected code, and the failed flow unwound with the plugin's
 * `semantics.unwind` flow, step by step.
 */
import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../../core/src/faults/fault-plan.js';
import { Harness, LIFECYCLE, REFERENCE, type RunReport, run } from './harness.js';

const INJECTED: Record<FaultKind, string> = { firmware: REFERENCE.declaration.firmware.injectedFailure, doe: '-EIO', alloc: '-ENOMEM' };

/** How many calls of each kind a clean lifecycle makes. */
function cleanCounts(): Record<FaultKind, number> {
  const h = new Harness();
  expect(h.act(...LIFECYCLE) ?? h.atEnd()).toBeUndefined();
  return { firmware: h.w.faults.count('firmware'), doe: h.w.faults.count('doe'), alloc: h.w.faults.count('alloc') };
}

const COUNTS = cleanCounts();

/** Checks one fail_nth run: what failed, with which code, and how it was unwound. */
function checkFailedRun(r: RunReport, kind: FaultKind): void {
  const code = INJECTED[kind];
  expect(r.violations).toEqual([]);
  // The first step that failed carries the injected code (later ones may fail because of it).
  const failedAt = r.steps.findIndex((s) => s.result !== 'ok' && s.result !== 'skipped');
  const failed = r.steps[failedAt];
  expect(failed?.result).toBe(code);
  if (kind === 'firmware') expect(r.trace.filter((e) => e.actor === 'firmware' && e.result === code)).toHaveLength(1);
  if (kind === 'doe') expect(r.trace.filter((e) => e.actor === 'device' && e.result === code)).toHaveLength(1);
  if (!failed?.flow) return; // vm.create, before any flow: no flow to unwind
  const outcome = r.flows.find((f) => !f.ok);
  const unwind = REFERENCE.declaration.semantics.unwind[failed.flow];
  expect(outcome).toEqual({ flow: failed.flow, ok: false, failedStep: failed.step, code, ...(unwind ? { unwoundWith: unwind } : {}) });
  // The unwind flow ran right after the failure, every step of its plan in order, marked as unwinding.
  const after = r.steps.slice(failedAt + 1);
  const plan = unwind ? REFERENCE.declaration.plans[unwind].map((p) => p.step) : [];
  expect(after.slice(0, plan.length).map((s) => [s.flow, s.step, s.unwinding])).toEqual(plan.map((step) => [unwind, step, true]));
}

describe('fail_nth over the lifecycle on the reference plugin', () => {
  it('measures a clean run', () => {
    // The lifecycle makes firmware calls, DOE exchanges (IDE_KM at connect, LOCK and report at
    // bind, START, STOP) and three allocations (VFIO open, vIOMMU, vDEVICE).
    expect(COUNTS.firmware).toBeGreaterThan(15);
    expect(COUNTS.doe).toBeGreaterThan(10);
    expect(COUNTS.alloc).toBe(3);
    const clean = run(LIFECYCLE);
    expect(clean.trace.filter((e) => e.actor === 'firmware')).toHaveLength(COUNTS.firmware);
  });

  describe.each(['firmware', 'doe', 'alloc'] as const)('%s', (kind) => {
    const ns = Array.from({ length: COUNTS[kind] }, (_, i) => i + 1);
    it.each(ns)(`failing ${kind} call #%i is reported, unwound, and leaves nothing behind`, (nth) => {
      const r = run(LIFECYCLE, REFERENCE, { faults: [{ kind, nth }] });
      checkFailedRun(r, kind);
      // The lifecycle's teardown retries what a failure left bound: no TDI-level firmware object remains.
      const h = new Harness(REFERENCE, { faults: [{ kind, nth }] });
      expect(h.act(...LIFECYCLE) ?? h.atEnd()).toBeUndefined();
      expect(h.w.faults.fired).toEqual([`${kind}#${nth}`]);
      expect([h.w.ports.tsm.view().tdis, h.w.ports.mmio.view(), h.w.ports.iommu.view()]).toEqual([[], [], []]);
    });

    it('a fault past the last call changes nothing', () => {
      const clean = run(LIFECYCLE);
      const r = run(LIFECYCLE, REFERENCE, { faults: [{ kind, nth: COUNTS[kind] + 1 }] });
      expect(r.steps).toEqual(clean.steps);
      expect(r.outcome).toBe('pass');
    });
  });
});
