import { parentPort, workerData } from 'node:worker_threads';
import { container } from 'tsyringe';
import { loadPlugins } from '../plugin/host.js';
import type { PluginSpecifier } from '../plugin/specifier.js';
import { PluginRunError } from '../scenario/run.js';
import { DeviceWorld } from './device-world.js';
import type { Expansion, ExplorerWorld } from './explorer-world.js';
import { type AnyExploreModel, isDeviceModel } from './load-model.js';
import { ModelWorld } from './model-world.js';

/** What the search thread gives each worker: the model and, for a scenario model, the one plugin to explore it on. */
export interface WorkerSetup {
  readonly model: AnyExploreModel;
  /** The plugin as the search thread's load request named it (resolved once, there). */
  readonly plugin?: PluginSpecifier;
  readonly reduction: boolean;
}

/** A worker's answer to a batch of states: their expansions, or why it could not. */
export type WorkerReply<S = unknown> =
  | { readonly expansions: Expansion<S>[] }
  | { readonly failed: { readonly plugin: string; readonly pointer: string; readonly problem: string } }
  | { readonly refused: string };

/** The setup's world, or why its plugin did not load. */
async function worldOf({ model, plugin, reduction }: WorkerSetup): Promise<ExplorerWorld<unknown> | string> {
  if (isDeviceModel(model)) return new DeviceWorld(model, reduction);
  if (!plugin) return 'a scenario model needs a plugin';
  const set = await loadPlugins({ plugins: [plugin] });
  const loaded = set.loaded[0];
  if (!loaded) return set.refused[0]?.message ?? `${plugin.given} did not load`;
  return new ModelWorld(model, loaded, container, reduction);
}

/**
 * A worker thread's main (worker-entry.ts runs it): build the model's world once (loading
 * the plugin as the CLI did, for a scenario model), then expand every batch of states it is sent, in order.
 */
export async function exploreWorkerMain(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('exploreWorkerMain runs in a worker thread');
  const setup = workerData as WorkerSetup;
  const world = await worldOf(setup);
  if (typeof world === 'string') {
    port.on('message', () => port.postMessage({ refused: world } satisfies WorkerReply));
    return;
  }
  port.on('message', (states: unknown[]) => {
    try {
      port.postMessage({ expansions: states.map((s) => world.expand(s)) } satisfies WorkerReply);
    } catch (e) {
      if (!(e instanceof PluginRunError)) throw e;
      port.postMessage({ failed: { plugin: e.plugin, pointer: e.pointer, problem: e.problem } } satisfies WorkerReply);
    }
  });
}
