import type { Scenario, ScenarioAction } from '../scenario/scenario.js';
import { modelScenario } from './load-model.js';
import type { ExploreModel } from './model.js';
import type { FoundDeadlock, FoundViolation } from './result.js';

/**
 * A violation as a scenario `teeio run` replays: the model's platform, seed and faults, init
 * then the events of the shortest trace, expecting the same invariant to stop the run. The run
 * checks all eight invariants; a model that checks fewer may see the replay stop at another.
 */
export function counterexample(model: ExploreModel, arch: string, v: FoundViolation): Scenario {
  return {
    ...withSteps(model, v.trace),
    name: `${model.name}-${arch}-${v.invariant}`,
    description: `teeio explore: the shortest order of ${model.name}'s events that breaks invariant ${v.number} on ${arch} (${v.message})`,
    expect: { violation: v.invariant },
  };
}

/** The shortest path to a deadlock as a scenario: replayed, it ends in the stuck state. */
export function deadlockScenario(model: ExploreModel, arch: string, d: FoundDeadlock): Scenario {
  return {
    ...withSteps(model, d.trace),
    name: `${model.name}-${arch}-deadlock`,
    description: `teeio explore: the shortest order of ${model.name}'s events after which nothing can fire and the system is not torn down, on ${arch}`,
  };
}

const withSteps = (model: ExploreModel, trace: readonly ScenarioAction[]): Scenario => modelScenario(model, [...(model.init ?? []), ...trace]);
