import { checkPluginModule } from './check-declaration.js';
import { checkPluginSet } from './check-set.js';
import { importPluginModule } from './import-module.js';
import type { LoadedPlugin, PluginSet } from './loaded-plugin.js';
import { probeConstruction } from './probe-construction.js';
import { PluginRefusal } from './refusal.js';
import { probeRegistration } from './registration.js';
import type { LoadRequest } from './request.js';
import type { PluginSpecifier } from './specifier.js';

/** Everything one plugin must pass on its own: import, declaration, probe registration and construction. */
async function loadOne(spec: PluginSpecifier): Promise<LoadedPlugin | PluginRefusal> {
  try {
    const module = checkPluginModule(spec.given, await importPluginModule(spec));
    probeRegistration(spec.given, module);
    const plugin = { specifier: spec.given, declaration: module.declaration, module };
    probeConstruction(plugin);
    return plugin;
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
