import type { LoadedPlugin, PluginSet } from './loaded-plugin.js';
import { PluginRefusal } from './refusal.js';

const describe = (p: LoadedPlugin) => `${p.specifier} (${p.declaration.name} ${p.declaration.version})`;

/** The first plugin to claim an arch id keeps it; a later one is refused. */
function oneArchEach(plugins: readonly LoadedPlugin[]): PluginSet {
  const owner = new Map<string, LoadedPlugin>();
  const refused: PluginRefusal[] = [];
  for (const p of plugins) {
    const first = owner.get(p.declaration.arch);
    if (first) refused.push(new PluginRefusal(p.specifier, 'duplicate-arch', `arch "${p.declaration.arch}" is already provided by plugin ${describe(first)}`));
    else owner.set(p.declaration.arch, p);
  }
  return { loaded: [...owner.values()], refused };
}

/**
 * Refuses plugins whose dependencies are not loaded, until none is left: refusing one may
 * leave a plugin that depended on it unmet in turn.
 */
function dependenciesMet(plugins: readonly LoadedPlugin[]): PluginSet {
  let loaded = plugins;
  const refused: PluginRefusal[] = [];
  for (;;) {
    const names = new Set(loaded.map((p) => p.declaration.name));
    const unmet = loaded.filter((p) => p.declaration.dependsOn.some((d) => !names.has(d)));
    if (unmet.length === 0) return { loaded, refused };
    for (const p of unmet) {
      const missing = p.declaration.dependsOn.filter((d) => !names.has(d));
      refused.push(new PluginRefusal(p.specifier, 'unmet-dependency', `depends on ${missing.map((d) => `"${d}"`).join(', ')}, which is not loaded`));
    }
    loaded = loaded.filter((p) => !unmet.includes(p));
  }
}

/** Checks the plugins against each other: one per arch id, every dependency loaded. */
export function checkPluginSet(plugins: readonly LoadedPlugin[]): PluginSet {
  const arches = oneArchEach(plugins);
  const deps = dependenciesMet(arches.loaded);
  return { loaded: deps.loaded, refused: [...arches.refused, ...deps.refused] };
}
