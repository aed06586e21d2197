/**
 * After an action that only ran steps, the checker does not check the world its last step or
 * settle check passed on again; anything that changed the world since makes it check.
 */
import { describe, expect, it } from 'vitest';
import type { Invariant } from '../../../core/src/invariants/index.js';
import { DSM, Harness, REFERENCE, VF, VM } from './harness.js';

/** An every-step invariant that holds and counts how often it was checked. */
function counting(): Invariant & { checks: number } {
  const probe = { number: 99, id: 'probe', description: 'counts checks', when: 'every-step' as const, checks: 0, check: () => (probe.checks++, []) };
  return probe;
}

function setUp() {
  const probe = counting();
  const h = new Harness(REFERENCE, {}, [probe]);
  const checker = h.checker;
  h.engine.flow('connect', { dsm: DSM });
  return { probe, h, checker };
}

describe('InvariantChecker.afterSteps', () => {
  it('checks nothing more after a flow whose steps and settling were checked', () => {
    const { probe, h, checker } = setUp();
    const before = probe.checks;
    expect(before).toBeGreaterThan(0);
    checker.afterSteps(h.w, '/steps/0');
    expect(probe.checks).toBe(before);
  });

  it('checks when a VM changed after the last check (a change no step made)', () => {
    const { probe, h, checker } = setUp();
    h.w.vmChanges.mark(VM);
    const before = probe.checks;
    checker.afterSteps(h.w, '/steps/0');
    expect(probe.checks).toBe(before + 1);
  });

  it('checks after the state was replaced (a restore)', () => {
    const { probe, h, checker } = setUp();
    h.w.restore(h.w.snapshot());
    const before = probe.checks;
    checker.afterSteps(h.w, '/steps/0');
    expect(probe.checks).toBe(before + 1);
  });

  it('after one step outside a flow: checked once, by the step', () => {
    const { probe, h, checker } = setUp();
    const before = probe.checks;
    h.engine.step('vfio.open', { tdi: VF, vm: VM, dsm: DSM });
    checker.afterSteps(h.w, '/steps/1');
    expect(probe.checks).toBe(before + 1);
  });
});
