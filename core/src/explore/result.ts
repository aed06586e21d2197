import type { ScenarioAction } from '../scenario/scenario.js';

/** An invariant broken under the model, with the shortest sequence of events that breaks it. */
export interface FoundViolation {
  readonly invariant: string;
  readonly number: number;
  /** Where `teeio run` of the counterexample stops: `flow/step`, `/steps/i` or `end of scenario`. */
  readonly step: string;
  readonly message: string;
  readonly objects: readonly string[];
  /** Events after init (the length of `trace`). */
  readonly depth: number;
  readonly trace: readonly ScenarioAction[];
}

/** A state where no event can fire and the system is not torn down: the shortest path to one. */
export interface FoundDeadlock {
  readonly depth: number;
  readonly trace: readonly ScenarioAction[];
}

/** A firmware error code some order reaches, with the first (shortest) order that does. */
export interface ReachedFirmwareError {
  readonly code: string;
  readonly op: string;
  readonly depth: number;
  readonly trace: readonly ScenarioAction[];
}

/** What is the same however the search ran (one worker or many): what tests compare. */
export interface ExploreVerdict {
  /** Transitions computed: every event fired from every distinct state expanded. */
  readonly transitions: number;
  /** Distinct states (visited-set size). */
  readonly states: number;
  /** Deepest BFS level reached. */
  readonly depth: number;
  /** Every state was expanded (false when --max-states stopped the search). */
  readonly complete: boolean;
  readonly violations: readonly FoundViolation[];
  readonly deadlocks: number;
  readonly deadlock?: FoundDeadlock;
  readonly firmwareErrors: readonly ReachedFirmwareError[];
}

/** How the run went on this machine: not part of the verdict. */
export interface ExploreStats {
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** Heap growth over the search divided by distinct states (visited set, paths, frontier). */
  readonly bytesPerState: number;
  readonly workers: number;
}

/** `teeio explore --format json` for one arch. */
export interface ExploreResult extends ExploreVerdict {
  readonly arch: string;
  readonly plugin: string;
  readonly model: string;
  readonly seed: string;
  readonly reduction: boolean;
  readonly stats: ExploreStats;
}
