import type { Actor } from '../trace/actor.js';
import type { World } from '../world/world.js';
import type { Plans, PlanStep } from './plan.js';
import { STEP_IMPLS } from './steps/index.js';
import type { StepResult, StepTarget } from './steps/step.js';
import { type TdiAfter, tdiAfter } from './tdi-after.js';
import { type FlowName, STEPS, type StepName } from './vocabulary.js';

/** One executed step, for reports and expectations. */
export interface StepRecord {
  readonly flow?: FlowName;
  readonly step: StepName;
  readonly caller?: Actor;
  readonly actor: Actor;
  readonly target: StepTarget;
  /** `ok`, `skipped`, or the error code. */
  readonly result: string;
  readonly unwinding: boolean;
  /** The target TDI's TDISP and mapping state after the step (steps that name a TDI). */
  readonly after?: TdiAfter;
}

export interface FlowOutcome {
  readonly flow: FlowName;
  readonly ok: boolean;
  readonly failedStep?: StepName;
  readonly code?: string;
  readonly unwoundWith?: FlowName;
}

/** How a step is run: who initiates it, why it comes here, in which flow, while unwinding. */
export interface StepHow {
  readonly caller?: Actor;
  readonly why?: string;
  readonly flow?: FlowName;
  readonly unwinding?: boolean;
}

/**
 * Called after every step, and when a flow has settled (finished or unwound). Invariant
 * checking hangs here; it may throw to stop the run.
 */
export interface StepObserver {
  afterStep(w: World, record: StepRecord): void;
  settled(w: World, flow: FlowName | undefined): void;
}

/**
 * Executes plans. It knows the vocabulary, never an arch: the plugin orders the steps, the
 * core implements them, the firmware model accepts or rejects each with its own error code.
 */
export class Engine {
  readonly records: StepRecord[] = [];

  constructor(
    private readonly w: World,
    private readonly plans: Plans,
    private readonly unwind: Readonly<Partial<Record<FlowName, FlowName>>>,
    private readonly observer: StepObserver,
  ) {}

  /** Runs one step on `target`. `caller` is who initiates it (the plan says; the VMM by default). */
  step(step: StepName, target: StepTarget, how: StepHow = {}): StepResult {
    const actor = STEPS[step].actor;
    const caller = how.caller ?? (actor === 'guest' ? undefined : 'vmm');
    const tracer = this.w.tracer;
    const impl = STEP_IMPLS[step];
    const entry = { actor, op: step, args: target as Readonly<Record<string, string>>, note: how.why };
    const r = tracer.stepSpan(how.flow ? `${how.flow}/${step}` : step, caller, entry, () => impl(this.w, target), resultOf);
    // Plain literals: optional fields stay undefined (JSON leaves them out) rather than being spread in.
    const record: StepRecord = { flow: how.flow, step, caller, actor, target, result: r.ok ? (r.value === 'skipped' ? 'skipped' : 'ok') : r.code, unwinding: how.unwinding ?? false, after: tdiAfter(this.w, target.tdi) };
    this.records.push(record);
    this.observer.afterStep(this.w, record);
    return r;
  }

  /**
   * Runs the plugin's plan for `flow`. A failing step ends the flow; the arch's unwind flow
   * then runs best-effort (every step, skipping what is already gone) to a consistent state.
   */
  flow(flow: FlowName, target: StepTarget): FlowOutcome {
    const outcome = this.runPlan(flow, this.plans[flow], target, false);
    if (!outcome.ok) {
      const unwindWith = this.unwind[flow];
      if (unwindWith) {
        this.runPlan(unwindWith, this.plans[unwindWith], target, true);
        this.observer.settled(this.w, flow);
        return { ...outcome, unwoundWith: unwindWith };
      }
    }
    this.observer.settled(this.w, flow);
    return outcome;
  }

  private runPlan(flow: FlowName, plan: readonly PlanStep[], target: StepTarget, unwinding: boolean): FlowOutcome {
    for (const p of plan) {
      const r = this.step(p.step, target, { caller: p.actor, why: p.why, flow, unwinding });
      if (!r.ok && !unwinding) return { flow, ok: false, failedStep: p.step, code: r.code };
    }
    return { flow, ok: true };
  }
}

function resultOf(r: StepResult): { result: string; fatal?: boolean } {
  if (r.ok) return { result: r.value === 'skipped' ? 'skipped' : 'ok' };
  return { result: r.code, ...(r.fatal ? { fatal: true } : {}) };
}
