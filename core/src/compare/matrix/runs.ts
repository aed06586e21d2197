import type { StepRecord } from '../../lifecycle/engine.js';
import type { RunReport } from '../../scenario/run.js';
import type { TraceEntry } from '../../trace/tracer.js';
import { stepLabel, vendorCalls } from '../compare-archs.js';
import type { MatrixCell } from './matrix.js';

/** One arch's runs of the examples, by scenario name, with what the derivations read from them. */
export class ArchRuns {
  constructor(
    readonly arch: string,
    readonly flrPolicyOf: (scenario: string) => string,
    private readonly reports: ReadonlyMap<string, RunReport>,
  ) {}

  report(scenario: string): RunReport | undefined {
    return this.reports.get(scenario);
  }

  /** The first record of `step` (in `flow`, outside any unwind, when given) of a run, with its index. */
  find(scenario: string, step: string, flow?: string): { record: StepRecord; index: number; report: RunReport } | undefined {
    const report = this.reports.get(scenario);
    const index = report?.steps.findIndex((r) => r.step === step && (flow === undefined || (r.flow === flow && !r.unwinding))) ?? -1;
    return report && index >= 0 ? { record: report.steps[index] as StepRecord, index, report } : undefined;
  }

  /** The steps a flow ran (not unwinding), in order. */
  flowSteps(scenario: string, flow: string): StepRecord[] {
    return this.reports.get(scenario)?.steps.filter((r) => r.flow === flow && !r.unwinding) ?? [];
  }

  /** The vendor calls of a found step. */
  callsOf(found: { index: number; report: RunReport }): TraceEntry[] {
    return vendorCalls(found.report, found.index);
  }

  /** The first trace entry whose op starts with `op` (events have no step). */
  entry(scenario: string, op: string): TraceEntry | undefined {
    return this.reports.get(scenario)?.trace.find((e) => e.op.startsWith(op));
  }
}

/** A cell read from `scenario` at `record`. */
export const cellFrom = (scenario: string, record: StepRecord, answer: string): MatrixCell => ({
  answer,
  scenario,
  step: stepLabel(record),
});
