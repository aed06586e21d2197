import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORE_DIR, packageDirFrom, packageEntry } from './packages.js';

/** A plugin specifier as the user wrote it, and what the host passes to `import()`. */
export interface PluginSpecifier {
  readonly given: string;
  readonly importable: string;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** A folder with a package.json: a backend package named by its folder. */
function isPackageFolder(path: string): boolean {
  return (statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false) && isFile(join(path, 'package.json'));
}

/**
 * A package name as an import from `base` finds it first (the author's project), then as the
 * core finds it: `import()` alone would resolve it from the core's install only. The name is
 * kept when both find the same package, so the core's own resolution (export conditions) applies.
 */
function resolvePackage(name: string, base: string): string {
  const local = packageDirFrom(name, base);
  if (local === undefined || local === packageDirFrom(name, CORE_DIR)) return name;
  return pathToFileURL(packageEntry(local)).href;
}

/**
 * Turns a specifier into something `import()` resolves the way the user meant: a file URL is
 * kept, a package name is looked up from `base` and then from the core, and a path becomes a
 * file URL against `base` — `import()` would otherwise resolve it against the host's own file.
 * A path is absolute, starts with `.`, or names an existing file or package folder (`test/x.js`
 * as a shell would complete it); anything else is a package name. A package folder stands for
 * its entry (`exports`, else `main`), as importing the package would: Node refuses a folder.
 */
export function resolveSpecifier(given: string, base: string): PluginSpecifier {
  if (given.startsWith('file:')) return { given, importable: given };
  const path = resolve(base, given);
  const folder = isPackageFolder(path);
  const isPath = isAbsolute(given) || given.startsWith('.') || isFile(path) || folder;
  if (!isPath) return { given, importable: resolvePackage(given, base) };
  return { given, importable: pathToFileURL(folder ? packageEntry(path) : path).href };
}
