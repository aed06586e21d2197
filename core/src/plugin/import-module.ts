import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loaderErrors } from './loader-errors.js';
import { PluginRefusal, firstLine } from './refusal.js';
import type { PluginSpecifier } from './specifier.js';

/** The module's exports, not yet trusted to be a plugin. */
export type ModuleExports = Readonly<Record<string, unknown>>;

/** Node says where it looked up a module; that is the host's file, which is only noise here. */
const notFoundDetail = (e: unknown) => firstLine(e).replace(/ imported from .*$/, '');

/**
 * Imports the plugin's module: the only plugin code that runs before registration is its
 * top-level code. A module that cannot be found is refused, and so is one that fails to load
 * (its top level throws, node cannot load its file type, its source does not parse: then every
 * error the loader gave is kept, with its location).
 */
export async function importPluginModule(spec: PluginSpecifier): Promise<ModuleExports> {
  try {
    return await importTolerantOfTypeScript(spec.importable);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new PluginRefusal(spec.given, 'module-not-found', `module not found: ${notFoundDetail(e)}`);
    }
    throw new PluginRefusal(spec.given, 'import-failed', `cannot import the module: ${firstLine(e)}`, e, loaderErrors(e));
  }
}

/** The tsconfig.json closest to `file`, whose decorator settings the plugin was written for. */
function nearestTsconfig(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Imports the module; when node cannot load a TypeScript file (the compiled CLI has no loader),
 * registers tsx with the plugin's own tsconfig and tries again, so an arch author can run a
 * plugin from its source without a build step.
 */
async function importTolerantOfTypeScript(importable: string): Promise<ModuleExports> {
  try {
    return (await import(importable)) as ModuleExports;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !importable.startsWith('file:')) throw e;
    const { register } = await import('tsx/esm/api');
    const tsconfig = nearestTsconfig(fileURLToPath(importable));
    register(tsconfig ? { tsconfig } : {});
    // Node remembers the failed import of that URL; a query makes it a fresh module request.
    return (await import(`${importable}?typescript`)) as ModuleExports;
  }
}
