import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A plugin specifier as the user wrote it, and what the host passes to `import()`. */
export interface PluginSpecifier {
  readonly given: string;
  readonly importable: string;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * Turns a specifier into something `import()` resolves the way the user meant: a file URL is
 * kept, a package name is kept (resolved from the core, where workspaces and installs put it),
 * and a path becomes a file URL against `base` — `import()` would otherwise resolve it against
 * the host's own file. A path is absolute, starts with `.`, or names an existing file
 * (`test/x.js` as a shell would complete it); anything else is a package name.
 */
export function resolveSpecifier(given: string, base: string): PluginSpecifier {
  if (given.startsWith('file:')) return { given, importable: given };
  const path = resolve(base, given);
  const isPath = isAbsolute(given) || given.startsWith('.') || isFile(path);
  return { given, importable: isPath ? pathToFileURL(path).href : given };
}
