import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * @teeio/core as a stranger gets it: `npm pack -w core`, installed into an empty folder outside
 * the repository, offline. Its dependencies come from tarballs packed from the repository's
 * node_modules (what `npm ci` installed), so no registry is asked; dev tools the checks need
 * (tsc, @types/node, vitest, tsx: what a new backend's `npm install` adds) are run from the
 * repository or linked from it.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly { readonly path: string }[];
}

const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd, encoding: 'utf8' });

/** The packages @teeio/core needs at run time, from the lockfile: its dependencies and theirs. */
function runtimeClosure(): string[] {
  const packages = (JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> }).packages;
  const seen = new Set<string>();
  const queue = Object.keys(packages['core']?.dependencies ?? {});
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...Object.keys(packages[`node_modules/${name}`]?.dependencies ?? {}));
  }
  return [...seen];
}

let dir: string;
let packed: PackResult;

/** Runs the installed `teeio` in `cwd` (default: the install folder). */
const teeio = (args: string[], cwd = dir) => spawnSync(join(dir, 'node_modules/.bin/teeio'), args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'teeio-packed-core-')));
  const tgz = join(dir, 'tgz');
  mkdirSync(tgz);
  packed = (JSON.parse(npm(['pack', '-w', 'core', '--json', '--pack-destination', tgz], ROOT)) as PackResult[])[0] as PackResult;
  npm(['pack', '--pack-destination', tgz, ...runtimeClosure().map((n) => `./node_modules/${n}`)], ROOT);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'stranger', private: true }));
  npm(['install', ...execFileSync('ls', [tgz], { encoding: 'utf8' }).trim().split('\n').map((f) => `./tgz/${f}`)], dir);
  mkdirSync(join(dir, 'node_modules/@types'));
  symlinkSync(join(ROOT, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'));
}, 120_000);

describe('the packed @teeio/core', () => {
  it('holds what runs and what documents it, and no sources or maps', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'bin/teeio.js', 'dist/teeio.js', 'dist/index.d.ts', 'templates/backend/src/index.ts']));
    expect(paths.filter((p) => p.startsWith('src/') || p.endsWith('.map') || p.startsWith('test/'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('dist/') && !p.endsWith('.d.ts')).sort()).toEqual(['dist/conformance/vitest.js', 'dist/explore/worker-entry.js', 'dist/teeio.js']);
  });

  it('is small, and its README says how small', () => {
    expect(packed.entryCount).toBeLessThan(300);
    expect(packed.size).toBeLessThan(400_000);
    expect(readFileSync(join(ROOT, 'core/README.md'), 'utf8')).toMatch(/\d+ files, \d+ kB packed/);
  });

  it('declares the Node it needs', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/@teeio/core/package.json'), 'utf8')) as { engines?: { node?: string } };
    expect(pkg.engines?.node).toBe('>=20.19');
  });

  it('installs offline into an empty folder and gives the teeio command', () => {
    const r = teeio(['--version']);
    expect([r.status, r.stdout.trim()]).toEqual([0, packed.filename.replace(/^teeio-core-(.*)\.tgz$/, '$1')]);
  });

  it('refuses a TypeScript plugin without tsx (an optional peer, not installed) in one line', () => {
    mkdirSync(join(dir, 'plugin'));
    writeFileSync(join(dir, 'plugin/package.json'), JSON.stringify({ name: 'plugin', type: 'module' }));
    writeFileSync(join(dir, 'plugin/index.ts'), 'export const declaration = {};\n');
    const r = teeio(['plugins', '--plugin', './plugin/index.ts']);
    expect([r.status, r.stderr]).toEqual([2, 'teeio: plugin ./plugin/index.ts: a TypeScript plugin needs tsx to run from source: install it (npm install -D tsx) or build the plugin and name its .js file\n']);
  });
});

describe('teeio init-arch from the packed core', () => {
  let demo: string;
  beforeAll(() => {
    const r = teeio(['init-arch', 'demo']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    demo = join(dir, 'demo');
  }, 60_000);

  it('writes an ES module package that depends on this core', () => {
    const pkg = JSON.parse(readFileSync(join(demo, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
    expect(pkg).toMatchObject({ name: 'teeio-arch-demo', type: 'module', peerDependencies: { '@teeio/core': '^0.1.0' }, devDependencies: { '@teeio/core': 'file:../node_modules/@teeio/core' } });
    expect(Object.keys(pkg['scripts'] as object).sort()).toEqual(['build', 'test', 'typecheck']);
  });

  it('refuses to write into a folder that is not empty: one line, exit 2', () => {
    const r = teeio(['init-arch', 'demo']);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'teeio: init-arch: demo is not empty; give a new or empty folder\n']);
  });

  // Under strict, a core without .d.ts would fail this build (implicit any for '@teeio/core').
  it('type-checks and builds against the installed core\'s types, loads, and fails where the author must fill, naming the file', () => {
    const build = spawnSync(process.execPath, [TSC, '-p', join(demo, 'tsconfig.build.json')], { encoding: 'utf8' });
    expect([build.status, build.stdout]).toEqual([0, '']);
    expect(existsSync(join(demo, 'dist/index.js'))).toBe(true);
    const listed = teeio(['plugins', '--plugin', './dist/index.js', '--format', 'json'], demo);
    expect([listed.status, listed.stderr]).toEqual([0, '']);
    const run = teeio(['run', '--plugin', './dist/index.js', join(ROOT, 'examples/lifecycle.json')], demo);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/TODO src\/firmware\/device\.ts: connect\(\)/);
  }, 60_000);
});

interface VitestJson {
  readonly testResults: readonly { readonly assertionResults: readonly { readonly title: string; readonly status: string; readonly failureMessages: readonly string[] }[] }[];
}

describe('the conformance kit in a new backend, from the packed core', () => {
  it('runs one test per check and fails only where the author must fill, each failure naming the file to edit', () => {
    expect(teeio(['init-arch', 'demo', 'kit-demo']).status).toBe(0);
    const demo = join(dir, 'kit-demo');
    // The backend's `npm install`, as its .npmrc (install-links) makes it: the core copied into its
    // node_modules (its dependencies found further up, where the core was installed), and the
    // devDependencies that run the kit beside it: vitest, and tsx for the core to import the
    // backend's TypeScript. From a link the core would look for them beside its own folder.
    expect(readFileSync(join(demo, '.npmrc'), 'utf8')).toMatch(/^install-links=true$/m);
    mkdirSync(join(demo, 'node_modules/@teeio'), { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, 'tgz', packed.filename), '-C', join(demo, 'node_modules/@teeio')]);
    renameSync(join(demo, 'node_modules/@teeio/package'), join(demo, 'node_modules/@teeio/core'));
    for (const tool of ['vitest', 'tsx']) symlinkSync(join(ROOT, 'node_modules', tool), join(demo, 'node_modules', tool));
    const out = join(dir, 'kit.json');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${out}`], { cwd: demo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    const tests = (JSON.parse(readFileSync(out, 'utf8')) as VitestJson).testResults.flatMap((f) => f.assertionResults);
    const failed = tests.filter((t) => t.status === 'failed');
    // The skeleton's declaration, ports and plans are complete: what fails is what runs its firmware.
    expect(tests.filter((t) => t.status === 'passed').map((t) => t.title.split(':')[0])).toEqual(expect.arrayContaining(['declaration', 'ports', 'plans']));
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) expect(t.failureMessages.join('\n'), t.title).toMatch(/TODO src\/[\w/-]+\.ts: \w+\(/);
  }, 120_000);
});
