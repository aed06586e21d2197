/**
 * Test support for the arch-neutral core: the reference (devsec) plugin as a LoadedPlugin, ways
 * to break it on purpose (a plan, a semantics flag, a port wrapped to misbehave), scenarios built
 * in code, and a world driven step by step with the invariant checker attached, as
 * `runScenario` drives it.
 */
import { type DependencyContainer, container } from 'tsyringe';
import { InvariantChecker, InvariantViolation, type Violation } from '../../../core/src/invariants/checker.js';
import { INVARIANTS, type Invariant } from '../../../core/src/invariants/index.js';
import { Engine, type FlowOutcome } from '../../../core/src/lifecycle/engine.js';
import type { PlanStep, Plans, Semantics } from '../../../core/src/lifecycle/plan.js';
import type { FlowName } from '../../../core/src/lifecycle/vocabulary.js';
import type { LoadedPlugin } from '../../../core/src/plugin/loaded-plugin.js';
import { runAction } from '../../../core/src/scenario/actions.js';
import { checkScenario, worldSpecOf } from '../../../core/src/scenario/load.js';
import { type RunOptions, type RunReport, runScenario } from '../../../core/src/scenario/run.js';
import type { Scenario, ScenarioAction } from '../../../core/src/scenario/scenario.js';
import type { WorldSpec } from '../../../core/src/world/platform.js';
import { World } from '../../../core/src/world/world.js';
import * as reference from '../reference-plugin/index.js';

/** The default device: PF0 01:00.0 is the DSM (and a TDI), its VF 01:00.1 a TDI. */
export const DSM = '0000:01:00.0';
export const PF = DSM;
export const VF = '0000:01:00.1';
export const VM = 'vm0';

export const REFERENCE: LoadedPlugin = { specifier: 'test/src/reference-plugin/index.ts', declaration: reference.declaration, module: reference };

/** The reference plugin with some of its declaration changed. */
export function variant(
  changes: { plans?: Partial<Plans>; semantics?: Partial<Semantics>; firmwareName?: string },
  extraRegistration?: (c: DependencyContainer) => void,
): LoadedPlugin {
  const base = reference.declaration;
  const declaration = {
    ...base,
    firmware: { ...base.firmware, ...(changes.firmwareName ? { name: changes.firmwareName } : {}) },
    semantics: { ...base.semantics, ...changes.semantics },
    plans: { ...base.plans, ...changes.plans },
  };
  const register = (c: DependencyContainer) => {
    reference.register(c);
    extraRegistration?.(c);
  };
  return { specifier: 'test:variant', declaration, module: { declaration, register } };
}

/** A flow's plan with `step` taken out. */
export const without = (flow: FlowName, ...steps: string[]): PlanStep[] => reference.declaration.plans[flow].filter((p) => !steps.includes(p.step));

/** Everything up to a running, DMA-enabled TDI. */
export const UP_TO_RUN: ScenarioAction[] = [
  { flow: 'connect', dsm: DSM },
  { flow: 'createVpci', tdi: VF },
  { flow: 'bind', tdi: VF },
  { flow: 'accept', tdi: VF },
];

/** The whole lifecycle of examples/lifecycle.json. */
export const LIFECYCLE: ScenarioAction[] = [...UP_TO_RUN, { use: true, tdi: VF }, { flow: 'unbind', tdi: VF }, { flow: 'vmDestroy', vm: VM }, { flow: 'disconnect', dsm: DSM }];

/** A scenario on one default device with the VF assigned to vm0 (guest RID 0x08), checked like a file. */
export function scenario(steps: readonly ScenarioAction[], more: Partial<Scenario> = {}): Scenario {
  return checkScenario(
    {
      name: 'test',
      seed: 1,
      platform: { devices: [{ id: 'nic0', preset: 'default' }] },
      vms: [VM],
      assign: [{ tdi: VF, vm: VM, guestRid: 8 }],
      steps,
      ...more,
    },
    'test.json',
  );
}

export function run(steps: readonly ScenarioAction[], plugin: LoadedPlugin = REFERENCE, more: Partial<Scenario> = {}, options: RunOptions = {}): RunReport {
  return runScenario(scenario(steps, more), plugin, container, options);
}

/** The first record of `step` in a report (or the nth). */
export function stepResult(r: RunReport, step: string, nth = 1): string | undefined {
  return r.steps.filter((s) => s.step === step)[nth - 1]?.result;
}

/** The invariants with one of them made to check nothing: what "remove its check" means. */
export function withoutCheck(id: string): Invariant[] {
  return INVARIANTS.map((i) => (i.id === id ? { ...i, check: () => [] } : i));
}

/**
 * A world driven as `runScenario` drives it (VMs created first, invariants checked after every
 * step, flow and action), but open: a test can look at or change any state between actions.
 * A violation is returned, not thrown.
 */
export class Harness {
  readonly w: World;
  readonly engine: Engine;
  readonly checker: InvariantChecker;
  readonly flows: FlowOutcome[] = [];

  constructor(
    readonly plugin: LoadedPlugin = REFERENCE,
    spec: Partial<WorldSpec> = {},
    invariants: readonly Invariant[] = INVARIANTS,
  ) {
    const base = worldSpecOf(scenario([{ flow: 'connect', dsm: DSM }]));
    this.w = new World({ ...base, ...spec }, plugin, container);
    this.checker = new InvariantChecker(invariants);
    this.engine = new Engine(this.w, plugin.declaration.plans, plugin.declaration.semantics.unwind, this.checker);
    for (const vm of this.w.spec.vms) this.engine.step('vm.create', { vm });
  }

  /** Runs actions in order; the first violation stops them and is returned. */
  act(...actions: ScenarioAction[]): Violation | undefined {
    return this.catching(() => {
      actions.forEach((a, i) => {
        this.flows.push(...runAction(this.w, this.engine, a).flows);
        this.checker.afterAction(this.w, `/steps/${i}`);
      });
    });
  }

  /** What `runScenario` checks once the last action ran. */
  atEnd(): Violation | undefined {
    return this.catching(() => this.checker.atEnd(this.w));
  }

  catching(work: () => void): Violation | undefined {
    try {
      work();
      return undefined;
    } catch (e) {
      if (e instanceof InvariantViolation) return e.violation;
      throw e;
    }
  }

  /** The result of the last record of `step`. */
  last(step: string): string | undefined {
    return [...this.engine.records].reverse().find((r) => r.step === step)?.result;
  }

  firmwareOps(): string[] {
    return this.w.tracer.entries.filter((e) => e.actor === 'firmware').map((e) => e.op);
  }
}

export { type RunReport, type Violation };
