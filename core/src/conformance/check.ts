import type { DependencyContainer } from 'tsyringe';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import type { PluginRefusal } from '../plugin/refusal.js';

/** What a check works on: the plugin as the host admitted it (or why it was refused). */
export interface KitContext {
  readonly admitted: LoadedPlugin | PluginRefusal;
  /** The container the runs' worlds are children of. */
  readonly parent: DependencyContainer;
}

/** What a check found: one line per problem (none: it passed), and a one-line summary when it passed. */
export interface Findings {
  readonly problems: readonly string[];
  readonly summary: string;
}

/**
 * One conformance check: a stable id, a title, and the function that runs it. A check that
 * needs a loaded plugin says so with `needsPlugin`; the kit reports it as not run when the host
 * refused the plugin.
 */
export interface ConformanceCheck {
  readonly id: string;
  readonly title: string;
  readonly needsPlugin: boolean;
  run(ctx: KitContext, plugin: LoadedPlugin): Findings;
}

export const passed = (summary: string): Findings => ({ problems: [], summary });
export const findings = (problems: readonly string[], summary: string): Findings => ({ problems, summary });
