import { PluginRefusal, firstLine } from './refusal.js';
import type { PluginSpecifier } from './specifier.js';

/** The module's exports, not yet trusted to be a plugin. */
export type ModuleExports = Readonly<Record<string, unknown>>;

/** Node says where it looked up a module; that is the host's file, which is only noise here. */
const notFoundDetail = (e: unknown) => firstLine(e).replace(/ imported from .*$/, '');

/**
 * Imports the plugin's module: the only plugin code that runs before registration is its
 * top-level code. A module that cannot be found is refused, and so is one that fails to load
 * (its top level throws, node cannot load its file type).
 */
export async function importPluginModule(spec: PluginSpecifier): Promise<ModuleExports> {
  try {
    return (await import(spec.importable)) as ModuleExports;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new PluginRefusal(spec.given, 'module-not-found', `module not found: ${notFoundDetail(e)}`);
    }
    throw new PluginRefusal(spec.given, 'import-failed', `cannot import the module: ${firstLine(e)}`);
  }
}
