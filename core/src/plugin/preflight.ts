import { existsSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_DIR, nearestPackageJson, packageDirFrom, packageEntry, readPackageJson } from './packages.js';
import { PluginRefusal } from './refusal.js';
import type { PluginSpecifier } from './specifier.js';

/**
 * The packages a plugin shares with the core: a second copy of tsyringe has its own metadata
 * ("TypeInfo not known for …" mid-run), a second reflect-metadata its own decorator registry.
 */
const SHARED_WITH_CORE = ['tsyringe', 'reflect-metadata'] as const;

/** The file `import()` will load for `spec`, when it can be told without importing it. */
function pluginFile({ importable }: PluginSpecifier): string | undefined {
  if (importable.startsWith('file:')) return fileURLToPath(importable);
  const dir = packageDirFrom(importable, CORE_DIR);
  return dir === undefined ? undefined : packageEntry(dir);
}

/**
 * A CommonJS module cannot import the ESM-only core the way a plugin must (Node reports a
 * require() of an ES module, tsx a race condition): refused with what to change instead.
 */
function checkModuleType(spec: PluginSpecifier, file: string): void {
  const ext = extname(file);
  if (ext === '.mjs' || ext === '.mts') return;
  if (ext === '.cjs' || ext === '.cts') {
    throw new PluginRefusal(spec.given, 'commonjs-package', `${file} is a CommonJS module; a plugin is an ES module (.js or .ts in a package with "type": "module")`);
  }
  const pkg = nearestPackageJson(file);
  if (pkg !== undefined && readPackageJson(pkg).type !== 'module') {
    throw new PluginRefusal(spec.given, 'commonjs-package', `${pkg} makes the plugin CommonJS; a plugin is an ES module: add "type": "module" to it`);
  }
}

function checkSharedPackages(spec: PluginSpecifier, file: string): void {
  for (const name of SHARED_WITH_CORE) {
    const core = packageDirFrom(name, CORE_DIR);
    const plugin = packageDirFrom(name, dirname(file));
    if (core !== undefined && plugin !== undefined && plugin !== core) {
      throw new PluginRefusal(spec.given, 'duplicate-dependency', `a second copy of ${name}: the plugin's ${plugin}, the core's ${core}; import it from @teeio/core or make it a peer dependency`);
    }
  }
}

/**
 * What is wrong with a plugin's package before its code runs: its module type, and copies of
 * the packages the core shares with it. A file that is not there is left to the import.
 */
export function checkBeforeImport(spec: PluginSpecifier): void {
  const file = pluginFile(spec);
  if (file === undefined || !existsSync(file)) return;
  checkModuleType(spec, file);
  checkSharedPackages(spec, file);
}
