import type { DependencyContainer } from 'tsyringe';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { liveHeapBytes } from '../util/live-heap.js';
import { worldSpecOf } from '../scenario/load.js';
import type { ScenarioAction } from '../scenario/scenario.js';
import type { DeviceExploreModel, DeviceStep } from './device-model.js';
import { type DeviceExploreState, DeviceWorld, deviceStep } from './device-world.js';
import { choicesOf } from './choices.js';
import type { ExplorerWorld } from './explorer-world.js';
import { modelScenario } from './load-model.js';
import type { ExploreModel } from './model.js';
import { type ExploreState, ModelWorld } from './model-world.js';
import type { ExploreResult, ExploreStats, ExploreVerdict, TraceStep } from './result.js';
import { type LevelExpander, Search, type SearchOptions, type SearchSpace } from './search.js';

export interface ExploreOptions<S = ExploreState> extends SearchOptions {
  /**
   * The reduction (default true): for scenario models, forget dead fail_nth counters; for
   * device models, symmetry over TDIs. Off to check that verdicts agree.
   */
  readonly reduction?: boolean;
  /** Expands levels elsewhere (worker threads); by default in this thread. */
  readonly expander?: (local: ExplorerWorld<S>) => LevelExpander<S>;
  readonly workers?: number;
}

/** Searches `world` breadth first: the verdict, and how the run went on this machine. */
async function search<S, T extends TraceStep>(world: ExplorerWorld<S>, space: SearchSpace<T>, options: ExploreOptions<S>): Promise<{ verdict: ExploreVerdict<T>; stats: ExploreStats }> {
  const heapBefore = liveHeapBytes();
  const started = process.hrtime.bigint();
  const search = new Search<S, T>(space, options);
  const local: LevelExpander<S> = { expand: (states) => Promise.resolve(states.map((s) => world.expand(s))), close: () => Promise.resolve() };
  const expander = options.expander?.(world) ?? local;
  const initial = world.initial();
  await search.run(initial, expander.expand).finally(() => expander.close());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // What the search stores per state, as SPIN counts it: its visited set and paths, read while
  // the search holds them (the last level's copies are gone by now), garbage not counted.
  const stored = liveHeapBytes() - heapBefore;
  const verdict = search.verdict();
  return {
    verdict,
    stats: {
      seconds: Math.round(seconds * 1000) / 1000,
      statesPerSecond: Math.round(verdict.states / Math.max(seconds, 1e-6)),
      bytesPerState: Math.max(0, Math.round(stored / verdict.states)),
      workers: options.workers ?? 1,
    },
  };
}

/** Explores every order of a scenario model's events on one plugin: the verdict and how the run went. */
export async function explore(model: ExploreModel, plugin: LoadedPlugin, parent: DependencyContainer, options: ExploreOptions = {}): Promise<ExploreResult> {
  const reduction = options.reduction ?? true;
  const world = new ModelWorld(model, plugin, parent, reduction);
  const choices = choicesOf(model);
  const space: SearchSpace<ScenarioAction> = { deadlock: model.deadlock !== false, step: (e) => choices[e]?.action as ScenarioAction };
  const { verdict, stats } = await search(world, space, options);
  const { arch, name } = plugin.declaration;
  return { arch, plugin: name, model: model.name, seed: worldSpecOf(modelScenario(model)).seed, reduction, ...verdict, stats };
}

/** What a device model's result names instead of an arch and a plugin. */
export const DEVICE_MODEL_ARCH = 'device';

/** Explores every order of a device model's events over the simulated device (no plugin). */
export async function exploreDevice(model: DeviceExploreModel, options: ExploreOptions<DeviceExploreState> = {}): Promise<ExploreResult<DeviceStep>> {
  const reduction = options.reduction ?? true;
  const world = new DeviceWorld(model, reduction);
  const space: SearchSpace<DeviceStep> = { deadlock: model.deadlock !== false, step: (e) => deviceStep(model, e) };
  const { verdict, stats } = await search(world, space, options);
  return { arch: DEVICE_MODEL_ARCH, plugin: `${model.device.preset} device, ${model.host} host`, model: model.name, seed: world.seed, reduction, ...verdict, stats };
}
