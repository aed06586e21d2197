import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of this module: where the core looks up its own dependencies (bundled or not). */
export const CORE_DIR = dirname(fileURLToPath(import.meta.url));

/** What a package.json says that the plugin host reads. */
export interface PackageJson {
  readonly name?: string;
  readonly type?: string;
  readonly main?: string;
  readonly exports?: unknown;
}

const exists = (path: string) => statSync(path, { throwIfNoEntry: false }) !== undefined;

export function readPackageJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

/** Each folder from `dir` up to the root, as Node walks them to find a package or a package.json. */
function* upFrom(dir: string): Generator<string> {
  for (let d = dir; ; d = dirname(d)) {
    yield d;
    if (dirname(d) === d) return;
  }
}

/**
 * The real folder of package `name` as an import from `fromDir` would find it (the nearest
 * `node_modules/NAME` up the tree), or undefined. Real paths: workspaces and `npm link` use
 * symlinks, which are one copy, not two.
 */
export function packageDirFrom(name: string, fromDir: string): string | undefined {
  for (const d of upFrom(fromDir)) {
    const candidate = join(d, 'node_modules', name);
    if (exists(join(candidate, 'package.json'))) return realpathSync(candidate);
  }
  return undefined;
}

/** The package.json that governs `file` (its module type), or undefined. */
export function nearestPackageJson(file: string): string | undefined {
  for (const d of upFrom(dirname(file))) {
    if (exists(join(d, 'package.json'))) return join(d, 'package.json');
  }
  return undefined;
}

const IMPORT_CONDITIONS = new Set(['node', 'import', 'default']);

/** The target an `exports` value gives an ESM import under Node's conditions (first match in key order). */
function exportTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return exportTarget(value[0]);
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Object.entries(value);
  if (entries.some(([k]) => k.startsWith('.'))) return exportTarget((value as Record<string, unknown>)['.']);
  const match = entries.find(([k]) => IMPORT_CONDITIONS.has(k));
  return match ? exportTarget(match[1]) : undefined;
}

/** The file an `import 'NAME'` of the package in `dir` loads: its `exports` main entry, else `main`, else index.js. */
export function packageEntry(dir: string): string {
  const pkg = readPackageJson(join(dir, 'package.json'));
  return join(dir, exportTarget(pkg.exports) ?? pkg.main ?? 'index.js');
}
