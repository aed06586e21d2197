import type { DependencyContainer } from 'tsyringe';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { worldSpecOf } from '../scenario/load.js';
import { modelScenario } from './load-model.js';
import type { ExploreModel } from './model.js';
import { ModelWorld } from './model-world.js';
import type { ExploreResult } from './result.js';
import { type LevelExpander, Search, type SearchOptions, type SearchProgress } from './search.js';

export interface ExploreOptions extends SearchOptions {
  /** Forget dead fail_nth counters (default true); off to check that verdicts agree. */
  readonly reduction?: boolean;
  /** Expands levels elsewhere (worker threads); by default in this thread. */
  readonly expander?: (local: ModelWorld) => LevelExpander;
  readonly workers?: number;
}

/** Explores every order of the model's events on one plugin: the verdict and how the run went. */
export async function explore(model: ExploreModel, plugin: LoadedPlugin, parent: DependencyContainer, options: ExploreOptions = {}): Promise<ExploreResult> {
  const reduction = options.reduction ?? true;
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  const world = new ModelWorld(model, plugin, parent, reduction);
  const expander: LevelExpander = options.expander?.(world) ?? { expand: (states) => Promise.resolve(states.map((s) => world.expand(s))), close: () => Promise.resolve() };
  // The heap peaks at the end of a level (visited set, paths, two levels of states): sampled there.
  let peak = heapBefore;
  const onProgress = (p: SearchProgress) => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    options.onProgress?.(p);
  };
  const search = new Search(model, { ...options, onProgress });
  const verdict = await search.run(world.initial(), expander.expand).finally(() => expander.close());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { arch, name } = plugin.declaration;
  return {
    arch,
    plugin: name,
    model: model.name,
    seed: worldSpecOf(modelScenario(model)).seed,
    reduction,
    ...verdict,
    stats: {
      seconds: Math.round(seconds * 1000) / 1000,
      statesPerSecond: Math.round(verdict.states / Math.max(seconds, 1e-6)),
      bytesPerState: Math.round((peak - heapBefore) / verdict.states),
      workers: options.workers ?? 1,
    },
  };
}
