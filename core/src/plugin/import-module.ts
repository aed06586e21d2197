import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBeforeImport } from './preflight.js';
import { loaderErrors } from './loader-errors.js';
import { PluginRefusal, firstLine } from './refusal.js';
import type { PluginSpecifier } from './specifier.js';

/** The module's exports, not yet trusted to be a plugin. */
export type ModuleExports = Readonly<Record<string, unknown>>;

/** tsx's loader API, imported only for a TypeScript plugin (tsx is an optional peer of the core). */
export type TsxLoader = () => Promise<{ register(options: { tsconfig?: string }): unknown }>;
const importTsx: TsxLoader = () => import('tsx/esm/api');

/** Node says where it looked up a module; that is the host's file, which is only noise here. */
const notFoundDetail = (e: unknown) => firstLine(e).replace(/ imported from .*$/, '');

/** Why importing failed, as the refusal that tells the author what to change. */
function refusalFor(spec: PluginSpecifier, e: unknown): PluginRefusal {
  if (e instanceof PluginRefusal) return e;
  const errors = loaderErrors(e);
  if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
    return new PluginRefusal(spec.given, 'module-not-found', `module not found: ${notFoundDetail(e)}`);
  }
  // esbuild's message for a decorator without experimentalDecorators names the setting, not the file to change.
  if (errors.some((line) => /experimental decorators/i.test(line))) {
    const where = spec.importable.startsWith('file:') ? nearestTsconfig(fileURLToPath(spec.importable)) : undefined;
    return new PluginRefusal(spec.given, 'no-experimental-decorators', `decorators need "experimentalDecorators": true and "emitDecoratorMetadata": true in ${where ?? 'the plugin\'s tsconfig.json (none found)'}`, e, errors);
  }
  return new PluginRefusal(spec.given, 'import-failed', `cannot import the module: ${firstLine(e)}`, e, errors);
}

/**
 * Imports the plugin's module: the only plugin code that runs before registration is its
 * top-level code. Its package is checked first (module type, second copies of what the core
 * shares); a module that cannot be found is refused, and so is one that fails to load (its top
 * level throws, node cannot load its file type, its source does not parse: then every error the
 * loader gave is kept, with its location).
 */
export async function importPluginModule(spec: PluginSpecifier, loadTsx: TsxLoader = importTsx): Promise<ModuleExports> {
  try {
    checkBeforeImport(spec);
    return await importTolerantOfTypeScript(spec, loadTsx);
  } catch (e) {
    throw refusalFor(spec, e);
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

/** tsx, or a refusal saying how to do without: a missing tsx is not a missing plugin. */
async function tsxFor(spec: PluginSpecifier, loadTsx: TsxLoader): Promise<Awaited<ReturnType<TsxLoader>>> {
  try {
    return await loadTsx();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new PluginRefusal(spec.given, 'tsx-missing', 'a TypeScript plugin needs tsx to run from source: install it (npm install -D tsx) or build the plugin and name its .js file');
  }
}

/**
 * Imports the module; when node cannot load a TypeScript file (the compiled CLI has no loader),
 * registers tsx with the plugin's own tsconfig and tries again, so an arch author can run a
 * plugin from its source without a build step.
 */
async function importTolerantOfTypeScript(spec: PluginSpecifier, loadTsx: TsxLoader): Promise<ModuleExports> {
  const { importable } = spec;
  try {
    return (await import(importable)) as ModuleExports;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !importable.startsWith('file:')) throw e;
    const { register } = await tsxFor(spec, loadTsx);
    const tsconfig = nearestTsconfig(fileURLToPath(importable));
    register(tsconfig ? { tsconfig } : {});
    // Node remembers the failed import of that URL; a query makes it a fresh module request.
    return (await import(`${importable}?typescript`)) as ModuleExports;
  }
}
