import type { Scenario, ScenarioAction } from '../scenario/scenario.js';

/**
 * One event the explorer may fire in any order: a scenario action (so every counterexample is a
 * scenario `teeio run` replays) and how often it may fire along one path.
 */
export interface ModelEvent {
  readonly action: ScenarioAction;
  /** At most this many firings per path (default 1). */
  readonly max?: number;
}

/**
 * Several actions sharing one bound: at most `max` firings of any of them per path, e.g. "one
 * device event on this TDI, of any kind", without each kind multiplying the state space.
 */
export interface ModelEventGroup {
  readonly oneOf: readonly ScenarioAction[];
  /** At most this many firings of the group's actions together per path (default 1). */
  readonly max?: number;
}

/**
 * A model for `teeio explore`: a scenario's platform, VMs, assignments, seed and fault plan;
 * actions run in order first (`init`), then every interleaving of `events` within their bounds,
 * checking the invariants named (all by default) and, unless turned off, deadlocks.
 */
export interface ExploreModel extends Pick<Scenario, 'name' | 'description' | 'seed' | 'platform' | 'vms' | 'assign' | 'flrPolicy' | 'faults'> {
  readonly init?: readonly ScenarioAction[];
  readonly events: readonly (ModelEvent | ModelEventGroup)[];
  /** Invariant ids to check; absent means all eight. */
  readonly invariants?: readonly string[];
  /** Report states where nothing can fire and the system is not torn down (default true). */
  readonly deadlock?: boolean;
}
