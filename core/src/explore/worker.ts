import { parentPort, workerData } from 'node:worker_threads';
import { container } from 'tsyringe';
import { loadPlugins } from '../plugin/host.js';
import type { PluginSpecifier } from '../plugin/specifier.js';
import { PluginRunError } from '../scenario/run.js';
import type { ExploreModel } from './model.js';
import { type ExploreState, ModelWorld } from './model-world.js';

/** What the search thread gives each worker: the model and the one plugin to explore it on. */
export interface WorkerSetup {
  readonly model: ExploreModel;
  /** The plugin as the search thread's load request named it (resolved once, there). */
  readonly plugin: PluginSpecifier;
  readonly reduction: boolean;
}

/** A worker's answer to a batch of states: their expansions, or why it could not. */
export type WorkerReply =
  | { readonly expansions: ReturnType<ModelWorld['expand']>[] }
  | { readonly failed: { readonly plugin: string; readonly pointer: string; readonly problem: string } }
  | { readonly refused: string };

/**
 * A worker thread's main (worker-entry.ts runs it): load the plugin as the CLI did, build the
 * model's world once, then expand every batch of states it is sent, in order.
 */
export async function exploreWorkerMain(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('exploreWorkerMain runs in a worker thread');
  const setup = workerData as WorkerSetup;
  const set = await loadPlugins({ plugins: [setup.plugin] });
  const plugin = set.loaded[0];
  if (!plugin) {
    port.on('message', () => port.postMessage({ refused: set.refused[0]?.message ?? `${setup.plugin.given} did not load` } satisfies WorkerReply));
    return;
  }
  const world = new ModelWorld(setup.model, plugin, container, setup.reduction);
  port.on('message', (states: ExploreState[]) => {
    try {
      port.postMessage({ expansions: states.map((s) => world.expand(s)) } satisfies WorkerReply);
    } catch (e) {
      if (!(e instanceof PluginRunError)) throw e;
      port.postMessage({ failed: { plugin: e.plugin, pointer: e.pointer, problem: e.problem } } satisfies WorkerReply);
    }
  });
}
