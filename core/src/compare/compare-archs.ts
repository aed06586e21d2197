import { container } from 'tsyringe';
import type { StepRecord } from '../lifecycle/engine.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { type RunReport, runScenario } from '../scenario/run.js';
import type { Scenario } from '../scenario/scenario.js';
import type { TraceEntry } from '../trace/tracer.js';
import { align } from './align.js';
import type { Cell, Comparison, FlowRow, StepRow, Verdict } from './comparison.js';

/** A contiguous run of one flow's records (records outside a flow form their own segments). */
interface Segment {
  readonly key: string;
  readonly flow: string | null;
  readonly unwinding: boolean;
  readonly records: { record: StepRecord; index: number }[];
}

function segments(steps: readonly StepRecord[]): Segment[] {
  const out: Segment[] = [];
  const seen = new Map<string, number>();
  steps.forEach((record, index) => {
    const label = `${record.flow ?? '-'}${record.unwinding ? ' (unwind)' : ''}`;
    const last = out[out.length - 1];
    if (last && last.key.startsWith(`${label}#`)) {
      last.records.push({ record, index });
      return;
    }
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    out.push({ key: `${label}#${n}`, flow: record.flow ?? null, unwinding: record.unwinding, records: [{ record, index }] });
  });
  return out;
}

/** How the tracer labels a step's entries: `flow/step`, or the step alone outside a flow. */
export const stepLabel = (r: Pick<StepRecord, 'flow' | 'step'>): string => (r.flow ? `${r.flow}/${r.step}` : r.step);

/** The vendor calls step `index` of a run caused: the firmware's entries between its opening and the next step's. */
export function vendorCalls(report: RunReport, index: number): TraceEntry[] {
  const record = report.steps[index] as StepRecord;
  const opens = stepOpenings(report);
  const label = stepLabel(record);
  return report.trace
    .slice(opens[index] ?? report.trace.length, opens[index + 1] ?? report.trace.length)
    .filter((e) => e.actor === 'firmware' && e.step === label);
}

function cellOf(report: RunReport, record: StepRecord, index: number): Cell {
  const calls = vendorCalls(report, index).map((e) => ({ op: e.op, result: e.result }));
  return { initiator: record.caller ?? record.actor, actor: record.actor, result: record.result, calls, after: record.after ?? null };
}

const openingsCache = new WeakMap<RunReport, number[]>();
/** Where each step record's own trace entry is (the engine opens one span per step, in order). */
function stepOpenings(report: RunReport): number[] {
  let cached = openingsCache.get(report);
  if (cached) return cached;
  cached = [];
  let k = 0;
  report.trace.forEach((e, i) => {
    const r = report.steps[k];
    if (r && e.op === r.step && e.actor === r.actor && e.step === stepLabel(r)) {
      cached?.push(i);
      k++;
    }
  });
  openingsCache.set(report, cached);
  return cached;
}

function verdictOfRun(r: RunReport): Verdict {
  const v = r.violations[0];
  const failed = r.flows.find((f) => !f.ok);
  const stoppedBy = v
    ? `invariant ${v.number} ${v.invariant} after ${v.step}`
    : failed
      ? `${failed.flow}/${failed.failedStep ?? '?'}: ${failed.code ?? 'failed'}`
      : null;
  return { arch: r.arch, outcome: r.outcome, stoppedBy };
}

const sameCells = (cells: readonly (Cell | null)[]): boolean => {
  const [first] = cells;
  if (!first) return false;
  const key = (c: Cell): string => JSON.stringify([c.initiator, c.result, c.after]);
  return cells.every((c) => c !== null && key(c) === key(first));
};

function stepRows(archs: readonly string[], reports: readonly RunReport[], segs: readonly (Segment | undefined)[]): StepRow[] {
  const rows = align(segs.map((s) => (s ? s.records.map((x) => x.record.step) : [])));
  return rows.map((row) => {
    const cells = row.at.map((i, a) => {
      const x = i < 0 ? undefined : segs[a]?.records[i];
      return x ? cellOf(reports[a] as RunReport, x.record, x.index) : null;
    });
    const moved = archs.filter((_, a) => cells[a] === null && rows.some((o) => o !== row && o.key === row.key && (o.at[a] ?? -1) >= 0));
    return { step: row.key, same: sameCells(cells), cells, moved };
  });
}

/** Aligns finished runs of one scenario (one per arch, in the order given). */
export function compareReports(reports: readonly RunReport[]): Comparison {
  const archs = reports.map((r) => r.arch);
  const perArch = reports.map((r) => segments(r.steps));
  const flowRows = align(perArch.map((segs) => segs.map((s) => s.key)));
  const flows: FlowRow[] = flowRows.map((row) => {
    const segs = row.at.map((i, a) => (i < 0 ? undefined : perArch[a]?.[i]));
    const any = segs.find((s) => s !== undefined) as Segment;
    return { flow: any.flow, unwinding: any.unwinding, steps: stepRows(archs, reports, segs) };
  });
  const first = reports[0];
  return { scenario: first?.scenario ?? '', seed: first?.seed ?? '', archs, flows, verdicts: reports.map(verdictOfRun) };
}

/**
 * Runs `scenario` on every plugin and aligns the runs by flow and by arch-neutral step: the
 * structure `teeio compare --format json` prints. Throws what `runScenario` throws.
 */
export function compareArchs(scenario: Scenario, plugins: readonly LoadedPlugin[], seed?: string): Comparison {
  return compareReports(plugins.map((p) => runScenario(scenario, p, container, { stateHash: false, ...(seed ? { seed } : {}) })));
}
