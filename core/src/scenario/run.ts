import type { DependencyContainer } from 'tsyringe';
import type { FaultKind } from '../faults/fault-plan.js';
import { InvariantViolation, type Violation } from '../invariants/checker.js';
import type { FlowOutcome, StepRecord } from '../lifecycle/engine.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import type { TraceEntry } from '../trace/tracer.js';
import { ScenarioDriver } from './driver.js';
import { type ExpectationResult, evaluate, expectationsFor } from './expectations.js';
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
  /** How many calls of each fault kind the run made (the fail_nth positions), and the injections that fired (`kind#n`). */
  readonly faults: { readonly counts: Readonly<Record<FaultKind, number>>; readonly fired: readonly string[] };
  /** Canonical hash of the final world state, unless the caller skipped it. */
  readonly stateHash?: string;
}

export interface RunOptions {
  readonly seed?: string;
  /** Check invariants (on by default; off only to measure what they cost). */
  readonly invariants?: boolean;
  /** Hash the final world into the report (on by default; a caller that only wants the outcome may skip it). */
  readonly stateHash?: boolean;
  /**
   * Put the trace in the report (on by default). Off, the run still records it (expectations
   * and invariants read it) but never makes its entries into objects: for callers that want
   * only the outcome.
   */
  readonly trace?: boolean;
}


/**
 * Runs `scenario` on one plugin: creates the VMs, executes every action in order, checks the
 * invariants after every step and once more at the end, and evaluates the arch's expectations.
 * The first violation stops the run; it is reported with its step and the trace so far.
 */
export function runScenario(scenario: Scenario, plugin: LoadedPlugin, parent: DependencyContainer, options: RunOptions = {}): RunReport {
  const d = new ScenarioDriver(scenario, plugin, parent, options);
  const violations: Violation[] = [];
  let at = '/vms';
  try {
    d.createVms();
    scenario.steps.forEach((action, i) => {
      at = `/steps/${i}`;
      d.act(action, at);
    });
    d.finish();
  } catch (e) {
    if (!(e instanceof InvariantViolation)) throw new PluginRunError(plugin.declaration.name, at, e instanceof Error ? e.message : String(e));
    violations.push(e.violation);
  }
  const expectations = evaluate(expectationsFor(scenario, plugin.declaration.arch), { w: d.w, steps: d.engine.records, flows: d.flows, violations });
  return {
    arch: plugin.declaration.arch,
    plugin: plugin.declaration.name,
    firmware: plugin.declaration.firmware.name,
    scenario: scenario.name,
    seed: d.w.spec.seed,
    outcome: expectations.every((x) => x.ok) ? 'pass' : 'fail',
    trace: options.trace === false ? [] : d.w.tracer.entries,
    violations,
    expectations,
    flows: d.flows,
    steps: d.engine.records,
    faults: { counts: d.w.faults.counts, fired: [...d.w.faults.fired] },
    ...(options.stateHash === false ? {} : { stateHash: d.w.hash() }),
  };
}
