/**
 * The explorer on the reference plugin (the core's test double) and variants of it with planted
 * bugs: state counts derived by hand from the model's semantics, the shortest counterexample of
 * an ordering bug and its replay by `runScenario`, and the dead-counter reduction checked against
 * the search without it.
 */
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { counterexample } from '../../../core/src/explore/counterexample.js';
import { explore } from '../../../core/src/explore/explore.js';
import type { ExploreModel } from '../../../core/src/explore/model.js';
import type { ExploreResult } from '../../../core/src/explore/result.js';
import type { LoadedPlugin } from '../../../core/src/plugin/loaded-plugin.js';
import { checkScenario } from '../../../core/src/scenario/load.js';
import { runScenario } from '../../../core/src/scenario/run.js';
import { REFERENCE, VF, VM, variant } from '../core/harness.js';
import { ACCEPT, BIND, DISCONNECT, FLR, UNBIND, VM_DESTROY, modelOf } from './models.js';

const run = (m: ExploreModel, plugin: LoadedPlugin = REFERENCE, reduction = true) => explore(m, plugin, container, { reduction });

/** What must not depend on how the search ran. */
const verdictOf = ({ stats: _s, reduction: _r, ...v }: ExploreResult) => v;

/** An unbind that reclaims the TDI before KVM unmaps its private MMIO: the mapping outlives its binding. */
const UNBIND_BEFORE_UNMAP = variant({
  plans: { unbind: [{ step: 'tsm.stop' }, { step: 'tsm.unbind' }, { step: 'kvm.unmap-private-mmio' }, { step: 'iommu.teardown-trusted' }, { step: 'vfio.recover-mmio' }] },
});

describe('teeio explore on the reference plugin', { timeout: 30_000 }, () => {
  it('counts bind and unbind at most once each: 3 states, 3 transitions, a deadlock at depth 2', async () => {
    // s0 (created) --bind--> s1 (bound) --unbind--> s2 (unbound, both spent). From s0 unbind
    // changes nothing, so it does not fire (a transition computed, no state). s2 can fire nothing
    // and the VM and the DSM connection are still up: the one stuck state.
    const r = await run(modelOf('bind-unbind', [BIND, UNBIND]));
    expect([r.states, r.transitions, r.depth, r.complete]).toEqual([3, 3, 2, true]);
    expect(r.violations).toEqual([]);
    expect(r.deadlocks).toBe(1);
    expect(r.deadlock).toEqual({ depth: 2, trace: [BIND, UNBIND] });
  });

  it('fires at most one action of a group per path: bind or unbind, 2 states, a deadlock at depth 1', async () => {
    // As above, but the two share one bound: after bind nothing is left to fire. Unbind from s0
    // still changes nothing; the trace names the action that fired, not the group.
    const r = await run(modelOf('bind-or-unbind', [{ oneOf: [UNBIND, BIND] }]));
    expect([r.states, r.transitions, r.depth, r.complete]).toEqual([2, 2, 1, true]);
    expect(r.deadlock).toEqual({ depth: 1, trace: [BIND] });
    // A group's bound counts its actions together: with two, unbind can follow bind.
    const twice = await run(modelOf('bind-or-unbind-twice', [{ oneOf: [UNBIND, BIND], max: 2 }]));
    expect(twice.states).toBeGreaterThanOrEqual(3);
    expect(twice.deadlock).toEqual({ depth: 2, trace: [BIND, UNBIND] });
  });

  it('finds no deadlock once teardown can always follow: the torn-down end states are clean', async () => {
    const r = await run(modelOf('with-teardown', [BIND, UNBIND, VM_DESTROY, DISCONNECT]));
    expect(r.violations).toEqual([]);
    // Destroying the VM first leaves a DSM that disconnect still cleans up; every path ends torn down.
    expect(r.deadlocks).toBe(0);
    expect(r.complete).toBe(true);
  });

  it('is deterministic: the same model twice gives the same verdict', async () => {
    const m = modelOf('again', [BIND, ACCEPT, FLR, UNBIND]);
    expect(verdictOf(await run(m))).toEqual(verdictOf(await run(m)));
  });

  it('stops at --max-states and says the search is incomplete', async () => {
    const r = await explore(modelOf('capped', [BIND, ACCEPT, FLR, UNBIND]), REFERENCE, container, { maxStates: 4 });
    expect([r.states, r.complete]).toEqual([4, false]);
  });
});

describe('a planted ordering bug', { timeout: 30_000 }, () => {
  // Listed so that the buggy flow comes first: only the order bind → unbind exposes it.
  const model = modelOf('planted', [UNBIND, ACCEPT, FLR, BIND]);

  it('is found with the shortest trace that reaches it: bind, then unbind', async () => {
    const r = await run(model, UNBIND_BEFORE_UNMAP);
    const v = r.violations.find((x) => x.invariant === 'private-mmio-only-in-bound-vm');
    expect(v).toMatchObject({ number: 2, step: 'unbind/tsm.unbind', depth: 2, trace: [BIND, UNBIND] });
    expect(v?.objects).toEqual([VF, VM]);
    // The correct plan is never caught by the same model.
    expect((await run(model)).violations).toEqual([]);
  });

  it.each([
    ['events', model],
    ['a group', modelOf('planted-group', [{ oneOf: [ACCEPT, UNBIND, FLR] }, BIND])],
  ])('replays as a scenario when written as %s: runScenario stops at the same invariant and step, byte-identically', async (_as, model) => {
    const r = await run(model, UNBIND_BEFORE_UNMAP);
    const v = r.violations[0];
    if (!v) throw new Error('no violation found');
    expect(v.trace).toEqual([BIND, UNBIND]);
    const scenario = checkScenario(JSON.parse(JSON.stringify(counterexample(model, r.arch, v))), 'counterexample.json');
    const replay = runScenario(scenario, UNBIND_BEFORE_UNMAP, container);
    expect(replay.violations[0]).toMatchObject({ invariant: v.invariant, step: v.step, message: v.message, objects: v.objects });
    expect(replay.outcome).toBe('pass');
    expect(JSON.stringify(runScenario(scenario, UNBIND_BEFORE_UNMAP, container))).toBe(JSON.stringify(replay));
  });
});

describe('the dead-counter reduction', { timeout: 60_000 }, () => {
  it('gives the verdicts of the search without it, in no more states', async () => {
    // A fault that fires on some orders only: counters differ by path until it has passed.
    const faults = [{ kind: 'firmware', nth: 6 }] as const;
    const models = [modelOf('faulted', [BIND, ACCEPT, FLR, UNBIND, VM_DESTROY], { faults }), modelOf('faulted-group', [BIND, ACCEPT, { oneOf: [FLR, UNBIND] }, VM_DESTROY], { faults })];
    let [statesOn, statesOff] = [0, 0];
    for (const [m, plugin] of models.flatMap((m) => [REFERENCE, UNBIND_BEFORE_UNMAP].map((p) => [m, p] as const))) {
      const on = await run(m, plugin, true);
      const off = await run(m, plugin, false);
      // Counts of states (stuck ones included) shrink; what is reached, and how soon, does not.
      const { states: sOn, transitions: tOn, deadlocks: dOn, ...vOn } = verdictOf(on);
      const { states: sOff, transitions: tOff, deadlocks: dOff, ...vOff } = verdictOf(off);
      expect(vOn).toEqual(vOff);
      expect(vOn.violations.length + (vOn.deadlock ? 1 : 0)).toBeGreaterThan(0);
      expect([sOn, tOn, dOn]).toEqual([Math.min(sOn, sOff), Math.min(tOn, tOff), Math.min(dOn, dOff)]);
      statesOn += sOn;
      statesOff += sOff;
    }
    expect(statesOn).toBeLessThan(statesOff);
  });
});
