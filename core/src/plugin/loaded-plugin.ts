import type { PluginDeclaration, PluginModule } from './declaration.js';
import type { PluginRefusal } from './refusal.js';

/** A plugin that passed every start-up check. */
export interface LoadedPlugin {
  /** The specifier as the user gave it. */
  readonly specifier: string;
  readonly declaration: PluginDeclaration;
  readonly module: PluginModule;
}

/** The outcome of loading: what may run, and what was refused and why, in request order. */
export interface PluginSet {
  readonly loaded: readonly LoadedPlugin[];
  readonly refused: readonly PluginRefusal[];
}
