import type { FlowName } from '../lifecycle/vocabulary.js';
import type { PortName } from '../ports/tokens.js';
import type { LoadedPlugin, PluginSet } from './loaded-plugin.js';
import type { PluginRefusal, RefusalReason } from './refusal.js';

/** What `teeio plugins` shows of a loaded plugin. */
export interface LoadedPluginView {
  readonly specifier: string;
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly coreApi: string;
  readonly firmware: { readonly name: string; readonly injectedFailure: string };
  readonly ports: readonly PortName[];
  readonly dependsOn: readonly string[];
  readonly semantics: string;
  readonly flows: readonly FlowName[];
}

export interface RefusedPluginView {
  readonly specifier: string;
  readonly reason: RefusalReason;
  /** The problem alone, and the whole one-line message that names the specifier too. */
  readonly problem: string;
  readonly message: string;
  /** Every error the module's loader reported, `file:line:col: message` (empty for other reasons). */
  readonly errors: readonly string[];
}

/** The JSON view of a plugin set (`teeio plugins --format json`), and the rows of its tables. */
export interface PluginListing {
  readonly loaded: readonly LoadedPluginView[];
  readonly refused: readonly RefusedPluginView[];
}

function viewLoaded({ specifier, declaration: d }: LoadedPlugin): LoadedPluginView {
  return {
    specifier,
    name: d.name,
    version: d.version,
    arch: d.arch,
    coreApi: d.coreApi,
    firmware: d.firmware,
    ports: d.provides,
    dependsOn: d.dependsOn,
    semantics: d.semantics.summary,
    flows: Object.keys(d.plans) as FlowName[],
  };
}

const viewRefused = ({ specifier, reason, problem, message, errors }: PluginRefusal): RefusedPluginView => ({ specifier, reason, problem, message, errors });

export function listPlugins(set: PluginSet): PluginListing {
  return { loaded: set.loaded.map(viewLoaded), refused: set.refused.map(viewRefused) };
}
