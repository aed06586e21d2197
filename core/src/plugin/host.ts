import { checkPluginModule } from './check-declaration.js';
import { checkPluginSet } from './check-set.js';
import { type ModuleExports, importPluginModule } from './import-module.js';
import type { LoadedPlugin, PluginSet } from './loaded-plugin.js';
import { probeConstruction } from './probe-construction.js';
import { PluginRefusal } from './refusal.js';
import { probeRegistration } from './registration.js';
import type { LoadRequest } from './request.js';
import type { PluginSpecifier } from './specifier.js';

/**
 * The checks a plugin module must pass on its own once imported: declaration, probe registration
 * and construction. Throws PluginRefusal. The conformance kit admits a module it was handed the
 * same way.
 */
export function admitModule(given: string, exports: ModuleExports): LoadedPlugin {
  const module = checkPluginModule(given, exports);
  probeRegistration(given, module);
  const plugin = { specifier: given, declaration: module.declaration, module };
  probeConstruction(plugin);
  return plugin;
}

/** Everything one plugin must pass on its own: import, then admission. */
async function loadOne(spec: PluginSpecifier): Promise<LoadedPlugin | PluginRefusal> {
  try {
    return admitModule(spec.given, await importPluginModule(spec));
  } catch (e) {
    if (e instanceof PluginRefusal) return e;
    throw e;
  }
}

/**
 * Loads and checks the requested plugins, before anything runs: a plugin is imported, its
 * declaration read and checked, its register() tried on a probe container and its classes
 * constructed in an empty world, then the survivors are checked against each other. Never throws for a bad plugin; it lands in `refused`.
 */
export async function loadPlugins(request: LoadRequest): Promise<PluginSet> {
  const outcomes = await Promise.all(request.plugins.map(loadOne));
  const set = checkPluginSet(outcomes.filter((o): o is LoadedPlugin => !(o instanceof PluginRefusal)));
  const position = (r: PluginRefusal) => request.plugins.findIndex((s) => s.given === r.specifier);
  const refused = [...outcomes.filter((o) => o instanceof PluginRefusal), ...set.refused];
  return { loaded: set.loaded, refused: refused.sort((a, b) => position(a) - position(b)) };
}
