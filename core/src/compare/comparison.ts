import type { TdiAfter } from '../lifecycle/tdi-after.js';

/**
 * The aligned runs of one scenario on several archs: what `compareArchs` returns and
 * `teeio compare --format json` prints (its JSON Schema: `teeio schema compare`). Arrays of
 * cells and verdicts follow `archs`.
 */
export interface Comparison {
  readonly scenario: string;
  readonly seed: string;
  readonly archs: readonly string[];
  readonly flows: readonly FlowRow[];
  readonly verdicts: readonly Verdict[];
}

/** One run of a flow (or, for `flow: null`, the steps a scenario runs outside any flow). */
export interface FlowRow {
  readonly flow: string | null;
  /** The flow ran as another flow's unwind. */
  readonly unwinding: boolean;
  readonly steps: readonly StepRow[];
}

/** One arch-neutral step, aligned across the archs. */
export interface StepRow {
  readonly step: string;
  /** Every arch ran it with the same initiator, result and TDI state (vendor calls are named per arch and not compared). */
  readonly same: boolean;
  /** Per arch: what it did, or null where its plan does not run the step here. */
  readonly cells: readonly (Cell | null)[];
  /** Archs whose plan runs this step at another place in the flow. */
  readonly moved: readonly string[];
}

export interface Cell {
  /** Who initiated the step (the plan's actor, else the step's own). */
  readonly initiator: string;
  /** Who carries it out. */
  readonly actor: string;
  /** `ok`, `skipped`, or the error code. */
  readonly result: string;
  /** The vendor (firmware) calls the step caused, in order. */
  readonly calls: readonly VendorCall[];
  /** The TDI's TDISP and mapping state after the step. */
  readonly after: TdiAfter | null;
}

export interface VendorCall {
  readonly op: string;
  readonly result: string;
}

/** How an arch's run ended: the invariant or firmware error that stopped it, if one did. */
export interface Verdict {
  readonly arch: string;
  readonly outcome: 'pass' | 'fail';
  readonly stoppedBy: string | null;
}
