import type { DependencyContainer } from 'tsyringe';
import { INVARIANTS } from '../invariants/index.js';
import { InvariantChecker, InvariantViolation, type Violation } from '../invariants/checker.js';
import { Engine, type FlowOutcome, type StepRecord } from '../lifecycle/engine.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import type { TraceEntry } from '../trace/tracer.js';
import type { WorldSpec } from '../world/platform.js';
import { World } from '../world/world.js';
import { runAction } from './actions.js';
import { type ExpectationResult, evaluate, expectationsFor } from './expectations.js';
import { worldSpecOf } from './load.js';
import type { Scenario } from './scenario.js';

/**
 * A plugin's code threw during a run: a bug in the plugin, reported with where it happened
 * (the scenario action by JSON pointer) rather than as teeio's own failure.
 */
export class PluginRunError extends Error {
  override readonly name = 'PluginRunError';
  constructor(
    readonly plugin: string,
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`plugin ${plugin} failed at ${pointer}: ${problem}`);
  }
}

/** Everything a run produced, as `teeio run --format json` prints it. */
export interface RunReport {
  readonly arch: string;
  readonly plugin: string;
  readonly firmware: string;
  readonly scenario: string;
  readonly seed: string;
  readonly outcome: 'pass' | 'fail';
  readonly trace: readonly TraceEntry[];
  readonly violations: readonly Violation[];
  readonly expectations: readonly ExpectationResult[];
  readonly flows: readonly FlowOutcome[];
  readonly steps: readonly StepRecord[];
  /** Canonical hash of the final world state, unless the caller skipped it. */
  readonly stateHash?: string;
}

export interface RunOptions {
  readonly seed?: string;
  /** Check invariants (on by default; off only to measure what they cost). */
  readonly invariants?: boolean;
  /** Hash the final world into the report (on by default; a caller that only wants the outcome may skip it). */
  readonly stateHash?: boolean;
}

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
 * Runs `scenario` on one plugin: creates the VMs, executes every action in order, checks the
 * invariants after every step and once more at the end, and evaluates the arch's expectations.
 * The first violation stops the run; it is reported with its step and the trace so far.
 */
export function runScenario(scenario: Scenario, plugin: LoadedPlugin, parent: DependencyContainer, options: RunOptions = {}): RunReport {
  const spec = specOf(scenario, options.seed);
  const w = new World(spec, plugin, parent);
  const checker = new InvariantChecker(INVARIANTS, options.invariants ?? true);
  const { plans, semantics } = plugin.declaration;
  const engine = new Engine(w, plans, semantics.unwind, checker);
  const flows: FlowOutcome[] = [];
  const violations: Violation[] = [];
  let at = '/vms';
  try {
    checker.afterBatch(w, at, () => spec.vms.forEach((vm) => engine.step('vm.create', { vm })));
    scenario.steps.forEach((action, i) => {
      at = `/steps/${i}`;
      flows.push(...runAction(w, engine, action).flows);
      checker.afterAction(w, at);
    });
    checker.atEnd(w);
  } catch (e) {
    if (!(e instanceof InvariantViolation)) throw new PluginRunError(plugin.declaration.name, at, e instanceof Error ? e.message : String(e));
    violations.push(e.violation);
  }
  const expectations = evaluate(expectationsFor(scenario, plugin.declaration.arch), { w, steps: engine.records, flows, violations });
  return {
    arch: plugin.declaration.arch,
    plugin: plugin.declaration.name,
    firmware: plugin.declaration.firmware.name,
    scenario: scenario.name,
    seed: spec.seed,
    outcome: expectations.every((x) => x.ok) ? 'pass' : 'fail',
    trace: w.tracer.entries,
    violations,
    expectations,
    flows,
    steps: engine.records,
    ...(options.stateHash === false ? {} : { stateHash: w.hash() }),
  };
}
