import type { ScenarioAction } from '../scenario/scenario.js';
import type { DeviceStep } from './device-model.js';

/** One event of a trace: a scenario action (scenario models) or a TDI's event (device models). */
export type TraceStep = ScenarioAction | DeviceStep;

/** An invariant broken under the model, with the shortest sequence of events that breaks it. */
export interface FoundViolation<T extends TraceStep = ScenarioAction> {
  readonly invariant: string;
  readonly number: number;
  /** Where `teeio run` of the counterexample stops: `flow/step`, `/steps/i` or `end of scenario`. */
  readonly step: string;
  readonly message: string;
  readonly objects: readonly string[];
  /** Events after init (the length of `trace`). */
  readonly depth: number;
  readonly trace: readonly T[];
}

/** A state where no event can fire and the system is not torn down: the shortest path to one. */
export interface FoundDeadlock<T extends TraceStep = ScenarioAction> {
  readonly depth: number;
  readonly trace: readonly T[];
}

/** A firmware error code some order reaches, with the first (shortest) order that does. */
export interface ReachedFirmwareError<T extends TraceStep = ScenarioAction> {
  readonly code: string;
  readonly op: string;
  readonly depth: number;
  readonly trace: readonly T[];
}

/** What is the same however the search ran (one worker or many): what tests compare. */
export interface ExploreVerdict<T extends TraceStep = ScenarioAction> {
  /** Transitions computed: every event fired from every distinct state expanded. */
  readonly transitions: number;
  /** Distinct states (visited-set size). */
  readonly states: number;
  /** Deepest BFS level reached. */
  readonly depth: number;
  /** Every state was expanded (false when --max-states stopped the search). */
  readonly complete: boolean;
  readonly violations: readonly FoundViolation<T>[];
  readonly deadlocks: number;
  readonly deadlock?: FoundDeadlock<T>;
  readonly firmwareErrors: readonly ReachedFirmwareError<T>[];
}

/** How the run went on this machine: not part of the verdict. */
export interface ExploreStats {
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** Live heap growth (after a full collection) at the end of the search per distinct state: the visited set and paths. */
  readonly bytesPerState: number;
  readonly workers: number;
}

/** `teeio explore --format json` for one arch. */
export interface ExploreResult<T extends TraceStep = ScenarioAction> extends ExploreVerdict<T> {
  readonly arch: string;
  readonly plugin: string;
  readonly model: string;
  readonly seed: string;
  readonly reduction: boolean;
  readonly stats: ExploreStats;
}
