import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { PluginSpecifier } from '../plugin/specifier.js';
import { PluginRunError } from '../scenario/run.js';
import type { Expansion, ExplorerWorld } from './explorer-world.js';
import type { AnyExploreModel } from './load-model.js';
import type { LevelExpander } from './search.js';
import type { WorkerReply, WorkerSetup } from './worker.js';

/** Levels smaller than this per worker are expanded in the search thread: messages would cost more. */
const MIN_PER_WORKER = 2;

/** The built worker entry, wherever the core runs from (source under vitest, the bundle otherwise). */
const workerEntry = (): string => createRequire(import.meta.url).resolve('@teeio/core/explore-worker');

function ask<S>(worker: Worker, states: readonly S[]): Promise<Expansion<S>[]> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    worker.once('error', onError);
    worker.once('message', (reply: WorkerReply<S>) => {
      worker.off('error', onError);
      if ('expansions' in reply) resolve(reply.expansions);
      else if ('failed' in reply) reject(new PluginRunError(reply.failed.plugin, reply.failed.pointer, reply.failed.problem));
      else reject(new Error(reply.refused));
    });
    worker.postMessage(states);
  });
}

/**
 * Expands each BFS level across `n` worker threads: the level is cut into n contiguous slices
 * and the expansions joined back in order, so the search sees exactly what one thread computes.
 * A device model needs no plugin; a scenario model's worlds load `plugin` as the search thread did.
 */
export function parallelLevels<S>(model: AnyExploreModel, plugin: PluginSpecifier | undefined, n: number, reduction: boolean): (local: ExplorerWorld<S>) => LevelExpander<S> {
  return (local) => {
    const setup: WorkerSetup = { model, reduction, ...(plugin ? { plugin } : {}) };
    // No inherited flags: a test runner's `--conditions source` would send the worker to TypeScript.
    const workers = Array.from({ length: n }, () => new Worker(workerEntry(), { workerData: setup, execArgv: [] }));
    return {
      expand: async (states) => {
        if (states.length < n * MIN_PER_WORKER) return states.map((s) => local.expand(s));
        const size = Math.ceil(states.length / n);
        const parts = await Promise.all(workers.map((w, i) => ask(w, states.slice(i * size, (i + 1) * size))));
        return parts.flat();
      },
      close: async () => {
        await Promise.all(workers.map((w) => w.terminate()));
      },
    };
  };
}
