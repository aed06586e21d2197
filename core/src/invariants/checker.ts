import type { FlowName } from '../lifecycle/vocabulary.js';
import type { StepObserver, StepRecord } from '../lifecycle/engine.js';
import type { World } from '../world/world.js';
import type { Bdf, VmId } from '../model/ids.js';
import type { VmChangesCursor } from '../world/vm-changes.js';
import type { Breach, Invariant } from './invariant.js';

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
  /** Where the world's VM change log stood when every invariant last passed on it. */
  private passed?: { readonly w: World; readonly at: VmChangesCursor };
  /** The last check was after a step, and passed. */
  private stepPassed = false;
  /** Where the change log stood when the every-step invariants last all passed, if nothing was checked since. */
  private clean?: { readonly w: World; readonly at: VmChangesCursor };

  constructor(
    invariants: readonly Invariant[],
    private readonly enabled = true,
  ) {
    const checks = invariants.map(checkOf);
    this.invariants = checks;
    this.everyStep = checks.filter((c) => c.inv.when === 'every-step');
    this.settledOnly = checks.filter((c) => c.inv.when === 'settled');
  }

  /** The invariants, and by when they hold, sorted once: a run checks some of them 50 times. */
  private readonly invariants: readonly Check[];
  private readonly everyStep: readonly Check[];
  private readonly settledOnly: readonly Check[];

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

  /** Between two steps only steps changed the world, so per-VM invariants look at the VMs they changed. */
  afterStep(w: World, record: StepRecord): void {
    this.run(w, record, this.everyStep, true);
    this.stepPassed = this.enabled && !this.deferring;
  }

  /**
   * Right after a flow's last step: likewise only its steps changed the world. The engine calls
   * it straight after that step's check, so when that passed the world is the one it passed on
   * and only the settled invariants are left to check.
   */
  settled(w: World, flow: FlowName | undefined): void {
    this.run(w, flow ?? 'step', this.stepPassed ? this.settledOnly : this.invariants, true);
  }

  /** After an action outside any flow (an event): the invariants that hold between any two steps. */
  afterAction(w: World, where: string): void {
    this.run(w, where, this.everyStep);
  }

  /**
   * After an action that only ran steps (its flows, or one step): each step was checked as it
   * ran and each flow when it settled, and nothing else touched the world, so when the last of
   * those checks passed on this world and no VM changed since, checking again would check the
   * same world. Otherwise (a flow that ran no step, a restore in between), as `afterAction`.
   */
  afterSteps(w: World, where: string): void {
    const c = this.clean;
    const now = w.vmChanges.cursor;
    if (this.enabled && !this.deferring && c?.w === w && c.at.epoch === now.epoch && c.at.at === now.at) return;
    this.afterAction(w, where);
  }

  /** At the end of a run: everything, the settled invariants included. */
  atEnd(w: World): void {
    this.run(w, 'end of scenario', this.invariants);
  }

  /**
   * Checks `which` (in the order of `invariants`, so the first breach is the one a full check
   * reports first) after `at`: a step's record is named (`flow/step`) only if something broke.
   */
  private run(w: World, at: string | StepRecord, which: readonly Check[], incremental = false): void {
    // A settled-only check passes the every-step invariants only on the world the step check passed.
    const everyStepHeld = which !== this.settledOnly || this.stepPassed;
    this.stepPassed = false;
    this.clean = undefined;
    if (!this.enabled || this.deferring) return;
    const now = w.vmChanges.cursor;
    const changed = incremental && this.passed?.w === w ? w.vmChanges.since(this.passed.at) : undefined;
    // Only the invariants about locked TDIs read them (none of the settled-only ones).
    let locked: readonly Bdf[] | undefined;
    for (const c of which) {
      if (c.overTdis) locked ??= w.link.lockedTdis();
      const breach = breaches(w, c, changed, locked ?? [])[0];
      if (breach) throw new InvariantViolation({ invariant: c.inv.id, number: c.inv.number, step: nameOf(at), message: breach.message, objects: breach.objects, traceLength: w.tracer.length });
    }
    this.passed = { w, at: now };
    if (everyStepHeld) this.clean = this.passed;
  }
}

/**
 * An invariant as the checker runs it. Invariants are objects of different shapes (some have
 * checkVms, some checkTdis); read in one loop, every property read went through V8's
 * megamorphic lookup. Records of one shape, made once per checker, are read directly.
 */
interface Check {
  readonly inv: Invariant;
  readonly full: (w: World) => readonly Breach[];
  readonly overTdis: ((w: World, tdis: readonly Bdf[]) => readonly Breach[]) | undefined;
  readonly overVms: ((w: World, vms: Iterable<VmId>) => readonly Breach[]) | undefined;
}

const checkOf = (inv: Invariant): Check => ({ inv, full: inv.check.bind(inv), overTdis: inv.checkTdis?.bind(inv), overVms: inv.checkVms?.bind(inv) });

const nameOf = (at: string | StepRecord): string => (typeof at === 'string' ? at : at.flow ? `${at.flow}/${at.step}` : at.step);

/**
 * What `c` finds: over the `locked` TDIs alone when only a locked TDI can break it; over the
 * `changed` VMs alone when it reads only per-VM state and every other VM passed before. A
 * breach there is reported by the full check, so the report (which breach comes first, its
 * message) is the one the full check gives.
 */
function breaches(w: World, c: Check, changed: ReadonlySet<VmId> | undefined, locked: readonly Bdf[]): readonly Breach[] {
  if (c.overTdis) return c.overTdis(w, locked).length === 0 ? [] : c.full(w);
  if (changed === undefined || c.overVms === undefined) return c.full(w);
  return c.overVms(w, changed).length === 0 ? [] : c.full(w);
}
