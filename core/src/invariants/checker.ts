import type { FlowName } from '../lifecycle/vocabulary.js';
import type { StepObserver, StepRecord } from '../lifecycle/engine.js';
import type { World } from '../world/world.js';
import type { Invariant } from './invariant.js';

/** An invariant broken at a step: what the run reports and stops on. */
export interface Violation {
  readonly invariant: string;
  readonly number: number;
  /** The step after which it was found (`flow/step`), or the flow that settled. */
  readonly step: string;
  readonly message: string;
  readonly objects: readonly string[];
  /** Trace entries up to the violation. */
  readonly traceLength: number;
}

/** Thrown to stop a run at its first violation. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
  constructor(readonly violation: Violation) {
    super(`invariant ${violation.number} (${violation.invariant}) broken after ${violation.step}: ${violation.message}`);
  }
}

/**
 * Checks invariants after every step (and the settled ones when a flow finishes), stopping
 * the run at the first breach. Disabled, it checks nothing (the benchmark's baseline).
 */
export class InvariantChecker implements StepObserver {
  private deferring = false;

  constructor(
    private readonly invariants: readonly Invariant[],
    private readonly enabled = true,
  ) {}

  /**
   * Runs `batch` (steps on independent objects, such as creating every VM) and checks once after
   * it, as at `where`: checking the whole world after each of n steps would cost n × the world.
   */
  afterBatch(w: World, where: string, batch: () => void): void {
    this.deferring = true;
    try {
      batch();
    } finally {
      this.deferring = false;
    }
    this.afterAction(w, where);
  }

  afterStep(w: World, record: StepRecord): void {
    this.run(w, record.flow ? `${record.flow}/${record.step}` : record.step, (i) => i.when === 'every-step');
  }

  settled(w: World, flow: FlowName | undefined): void {
    this.run(w, flow ?? 'step', () => true);
  }

  /** After an action outside any flow (an event): the invariants that hold between any two steps. */
  afterAction(w: World, where: string): void {
    this.run(w, where, (i) => i.when === 'every-step');
  }

  /** At the end of a run: everything, the settled invariants included. */
  atEnd(w: World): void {
    this.run(w, 'end of scenario', () => true);
  }

  private run(w: World, step: string, which: (i: Invariant) => boolean): void {
    if (!this.enabled || this.deferring) return;
    for (const inv of this.invariants) {
      if (!which(inv)) continue;
      const [breach] = inv.check(w);
      if (breach) throw new InvariantViolation({ invariant: inv.id, number: inv.number, step, message: breach.message, objects: breach.objects, traceLength: w.tracer.length });
    }
  }
}
