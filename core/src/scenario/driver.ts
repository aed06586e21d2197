import type { DependencyContainer } from 'tsyringe';
import { INVARIANTS } from '../invariants/index.js';
import { InvariantChecker } from '../invariants/checker.js';
import { Engine, type FlowOutcome } from '../lifecycle/engine.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import type { WorldSpec } from '../world/platform.js';
import { World } from '../world/world.js';
import { runAction } from './actions.js';
import { worldSpecOf } from './load.js';
import type { Scenario, ScenarioAction } from './scenario.js';

const specs = new WeakMap<Scenario, Map<string | undefined, WorldSpec>>();

/**
 * The world spec of `scenario` under `seed`, made once per scenario and seed: a world is built
 * from the template prepared for its spec, so running a scenario again reuses that preparation.
 */
function specOf(scenario: Scenario, seed: string | undefined): WorldSpec {
  let bySeed = specs.get(scenario);
  if (!bySeed) specs.set(scenario, (bySeed = new Map()));
  let spec = bySeed.get(seed);
  if (!spec) bySeed.set(seed, (spec = worldSpecOf(scenario, seed)));
  return spec;
}

/**
 * A scenario's world driven one action at a time, invariants checked as a run checks them:
 * after every step, after every action, and at the end. A broken invariant throws
 * InvariantViolation. `runScenario` drives every action in turn; the conformance kit stops in
 * between (to snapshot, to restore, to do a wrong order).
 */
export class ScenarioDriver {
  readonly w: World;
  readonly checker: InvariantChecker;
  readonly engine: Engine;
  readonly flows: FlowOutcome[] = [];

  constructor(
    readonly scenario: Scenario,
    plugin: LoadedPlugin,
    parent: DependencyContainer,
    options: { readonly seed?: string | undefined; readonly invariants?: boolean | undefined } = {},
  ) {
    this.w = new World(specOf(scenario, options.seed), plugin, parent);
    this.checker = new InvariantChecker(INVARIANTS, options.invariants ?? true);
    const { plans, semantics } = plugin.declaration;
    this.engine = new Engine(this.w, plans, semantics.unwind, this.checker);
  }

  /** Creates every VM of the scenario (checked once, after all of them). */
  createVms(): void {
    this.checker.afterBatch(this.w, '/vms', () => this.w.spec.vms.forEach((vm) => this.engine.step('vm.create', { vm })));
  }

  /** Runs one action; `at` names it in a violation (`/steps/3`). */
  act(action: ScenarioAction, at: string): void {
    this.flows.push(...runAction(this.w, this.engine, action).flows);
    // A flow or a step is checked as it runs; anything else changed the world unchecked.
    if ('flow' in action || 'step' in action) this.checker.afterSteps(this.w, at);
    else this.checker.afterAction(this.w, at);
  }

  /** Every invariant, the settled ones included, as at the end of a run. */
  finish(): void {
    this.checker.atEnd(this.w);
  }
}
