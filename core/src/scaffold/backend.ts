import { mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

/** Where the installed core is: found by name, since this code may run bundled or from source. */
const CORE_PACKAGE_JSON = realpathSync(createRequire(import.meta.url).resolve('@teeio/core/package.json'));
const CORE_PACKAGE_DIR = dirname(CORE_PACKAGE_JSON);
const TEMPLATE_DIR = join(CORE_PACKAGE_DIR, 'templates', 'backend');

/** What a new backend package is made from. */
export interface BackendSpec {
  /** The arch id a scenario or `--arch` selects it by. */
  readonly arch: string;
  readonly packageName: string;
  /** The devDependency spec of @teeio/core (a version range, or `file:` to this core). */
  readonly coreSpec: string;
}

/** npm leaves `.gitignore` and `.npmrc` out of a package, so the template ships them without the dot. */
const RENAMED: Readonly<Record<string, string>> = { 'package.json.template': 'package.json', gitignore: '.gitignore', npmrc: '.npmrc' };

function* templateFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* templateFiles(path);
    else yield relative(TEMPLATE_DIR, path);
  }
}

function fill(text: string, spec: BackendSpec): string {
  const values: Readonly<Record<string, string>> = {
    PACKAGE: spec.packageName,
    ARCH_UPPER: spec.arch.toUpperCase().replaceAll('-', '_'),
    ARCH: spec.arch,
    // The peer range: the core this package is written against, and its compatible successors.
    CORE_VERSION: (JSON.parse(readFileSync(CORE_PACKAGE_JSON, 'utf8')) as { version: string }).version,
    CORE_SPEC: spec.coreSpec,
  };
  return text.replace(/__(PACKAGE|ARCH_UPPER|ARCH|CORE_VERSION|CORE_SPEC)__/g, (_, key: string) => values[key] ?? '');
}

/**
 * Writes a new backend package into `dir` (which must not exist or be empty; the caller checks):
 * the template's files with the arch's names filled in. Returns the paths written, relative to `dir`.
 */
export function writeBackend(dir: string, spec: BackendSpec): string[] {
  const written: string[] = [];
  for (const file of templateFiles(TEMPLATE_DIR)) {
    const target = join(dirname(file), RENAMED[file.split('/').pop() ?? ''] ?? file.split('/').pop() ?? file);
    mkdirSync(join(dir, dirname(target)), { recursive: true });
    writeFileSync(join(dir, target), fill(readFileSync(join(TEMPLATE_DIR, file), 'utf8'), spec));
    written.push(target);
  }
  return written;
}

/** The devDependency that links the new package to the core running now: it works before any publish, offline. */
export function coreSpecFor(dir: string): string {
  return `file:${relative(dir, CORE_PACKAGE_DIR) || '.'}`;
}
