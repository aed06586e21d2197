import type { DependencyContainer } from 'tsyringe';
import { FAULT_KINDS, type FailNth } from '../faults/fault-plan.js';
import { noLeaks } from '../invariants/no-leaks.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { PluginRefusal } from '../plugin/refusal.js';
import { expectationsFor } from '../scenario/expectations.js';
import { PluginRunError, type RunReport, runScenario } from '../scenario/run.js';
import type { Scenario } from '../scenario/scenario.js';
import type { Violation } from '../invariants/checker.js';

/**
 * The fault sweep (issue 10): every scenario on every plugin, first without a fault to count the
 * fail_nth positions of each kind, then once per position with that one call failing. A fault is
 * a transient vendor error, a lost DOE exchange (-EIO) or a failed host allocation (-ENOMEM): the
 * host must survive it or unwind, so no fault may break an invariant the scenario does not
 * already break on purpose.
 */

/** The exit code `teeio run` would give the run: 0 pass, 1 a check failed, 2 a plugin threw, 70 teeio threw. */
export type SweepExit = 0 | 1 | 2 | 70;

export type ProblemKind = 'unexpected violation' | 'leak' | 'internal error';

/** A run that must not happen, named so it can be replayed: `teeio run` with `faults: [fault]`. */
export interface SweepProblem {
  readonly scenario: string;
  readonly arch: string;
  /** The injected failure (`firmware#49`), or `none` for the fault-free run. */
  readonly fault: string;
  readonly kind: ProblemKind;
  readonly detail: string;
}

/** One plugin's figures. */
export interface ArchSweep {
  readonly arch: string;
  runs: number;
  /** Runs whose injected failure fired. */
  fired: number;
  /** Runs by exit code. */
  readonly exits: Record<SweepExit, number>;
  readonly problems: Record<ProblemKind, number>;
}

export interface SweepResult {
  readonly archs: readonly ArchSweep[];
  /** Every problem, in the order found. */
  readonly problems: readonly SweepProblem[];
}

/** One run's outcome as the sweep counts it. */
interface Outcome {
  readonly exit: SweepExit;
  readonly report?: RunReport;
  readonly problem?: { readonly kind: ProblemKind; readonly detail: string };
}

/** The same breach: invariant, step and message. */
const same = (a: Violation, b: Violation | undefined): boolean => a.invariant === b?.invariant && a.step === b.step && a.message === b.message;

/**
 * A violation is unexpected when the scenario's expectations for this arch do not name its
 * invariant (none by default), or, in a run with a fault, when it is not the very breach the
 * fault-free run stopped on (same invariant, step and message): a fault must never be what
 * breaks an invariant — one that fires after the breach leaves the run as it was, one before it
 * may only prevent it. Invariant 6 broken that way is a leak (teardown after the fault left a
 * firmware object behind).
 */
function classify(s: Scenario, arch: string, report: RunReport, clean?: RunReport): Outcome['problem'] {
  const [v] = report.violations;
  if (!v) return undefined;
  const expected = v.invariant === expectationsFor(s, arch).violation && (!clean || same(v, clean.violations[0]));
  if (expected) return undefined;
  const detail = `invariant ${v.number} (${v.invariant}) after ${v.step}: ${v.message}`;
  return { kind: v.invariant === noLeaks.id ? 'leak' : 'unexpected violation', detail };
}

/**
 * Runs `s` in process (`clean`: the fault-free run to compare with); a throw is what the CLI
 * would report: a plugin's (exit 2) or teeio's (exit 70).
 */
function runOnce(s: Scenario, plugin: LoadedPlugin, parent: DependencyContainer, clean?: RunReport): Outcome {
  try {
    const report = runScenario(s, plugin, parent, { stateHash: false });
    const problem = classify(s, plugin.declaration.arch, report, clean);
    return { exit: report.outcome === 'pass' ? 0 : 1, report, ...(problem ? { problem } : {}) };
  } catch (e) {
    const exit = e instanceof PluginRunError || e instanceof PluginRefusal ? 2 : 70;
    return { exit, problem: { kind: 'internal error', detail: `exit ${exit}: ${e instanceof Error ? e.message : String(e)}` } };
  }
}

/** Positions 1, 1 + every, 1 + 2·every … up to what the fault-free run counted, for every kind. */
export function faultPositions(counts: Readonly<Record<FailNth['kind'], number>>, every = 1): FailNth[] {
  return FAULT_KINDS.flatMap((kind) => Array.from({ length: Math.ceil(counts[kind] / every) }, (_, i) => ({ kind, nth: 1 + i * every })));
}

const emptyArch = (arch: string): ArchSweep => ({
  arch,
  runs: 0,
  fired: 0,
  exits: { 0: 0, 1: 0, 2: 0, 70: 0 },
  problems: { 'unexpected violation': 0, leak: 0, 'internal error': 0 },
});

/** Counts one run into `tally`, and its problem into `problems`. */
function record(tally: ArchSweep, problems: SweepProblem[], s: Scenario, fault: FailNth | undefined, o: Outcome): void {
  tally.runs++;
  tally.exits[o.exit]++;
  if (o.report && o.report.faults.fired.length > 0) tally.fired++;
  if (!o.problem) return;
  tally.problems[o.problem.kind]++;
  problems.push({ scenario: s.name, arch: tally.arch, fault: fault ? `${fault.kind}#${fault.nth}` : 'none', ...o.problem });
}

export interface SweepOptions {
  /** Run every n-th position of each kind (1: all of them). */
  readonly every?: number;
  /** Called after each scenario on each plugin (progress for a long sweep). */
  readonly progress?: (scenario: string, arch: string) => void;
}

/** Sweeps `scenarios` (their own faults replaced) on every plugin. Deterministic: same inputs, same result. */
export function faultSweep(scenarios: readonly Scenario[], plugins: readonly LoadedPlugin[], parent: DependencyContainer, options: SweepOptions = {}): SweepResult {
  const problems: SweepProblem[] = [];
  const archs = plugins.map((plugin) => {
    const tally = emptyArch(plugin.declaration.arch);
    for (const scenario of scenarios) {
      const clean = { ...scenario, faults: [] };
      const base = runOnce(clean, plugin, parent);
      record(tally, problems, clean, undefined, base);
      for (const fault of base.report ? faultPositions(base.report.faults.counts, options.every) : []) {
        record(tally, problems, clean, fault, runOnce({ ...clean, faults: [fault] }, plugin, parent, base.report));
      }
      options.progress?.(scenario.name, tally.arch);
    }
    return tally;
  });
  return { archs, problems };
}
