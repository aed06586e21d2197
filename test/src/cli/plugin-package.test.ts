import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PluginListing } from '../../../core/src/plugin/listing.js';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VALID = new URL('../fixtures/plugins/valid.js', import.meta.url).href;
const HIDE_TSX = fileURLToPath(new URL('../fixtures/node/hide-tsx.mjs', import.meta.url));

/**
 * The friction a backend author met writing a plugin as a package of its own (issue 13), each
 * answered by a refusal that says what to change, before the plugin's code runs.
 */

/** A fresh folder holding `files` (path → content); its real path, as refusals print it. */
function project(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'teeio-plugin-pkg-')));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const ESM = JSON.stringify({ name: 'my-arch', version: '0.1.0', type: 'module', exports: { '.': './index.js' } });
/** A plugin module that is the valid fixture under another file name. */
const REEXPORT = `export * from '${VALID}';\n`;

const listing = (out: string) => JSON.parse(out) as PluginListing;

async function plugins(spec: string, cwd: string) {
  const r = await teeio(['plugins', '--plugin', spec, '--format', 'json'], cwd);
  return { ...r, listing: r.out === '' ? undefined : listing(r.out) };
}

describe('a plugin package with its own copy of what the core shares', () => {
  it.each(['tsyringe', 'reflect-metadata'])('is refused as duplicate-dependency naming %s and both paths', async (name) => {
    const dir = project({ 'package.json': ESM, 'index.js': REEXPORT, [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: '1.0.0' }) });
    const r = await plugins('./index.js', dir);
    const core = realpathSync(join(ROOT, 'node_modules', name));
    expect([r.code, r.errLines]).toEqual([
      2,
      [`teeio: plugin ./index.js: a second copy of ${name}: the plugin's ${join(dir, 'node_modules', name)}, the core's ${core}; import it from @teeio/core or make it a peer dependency`],
    ]);
    expect(r.listing?.refused[0]?.reason).toBe('duplicate-dependency');
  });

  it('loads when the plugin has no copy of its own', async () => {
    const r = await plugins('./index.js', project({ 'package.json': ESM, 'index.js': REEXPORT }));
    expect([r.code, r.listing?.loaded.map((p) => p.name)]).toEqual([0, ['fixture-valid']]);
  });
});

describe('a CommonJS plugin', () => {
  it('in a package without "type": "module" (npm init\'s default) is refused naming its package.json', async () => {
    const dir = project({ 'package.json': JSON.stringify({ name: 'my-arch', version: '1.0.0', main: 'index.js' }), 'index.js': REEXPORT });
    const r = await plugins('./index.js', dir);
    expect([r.code, r.errLines]).toEqual([2, [`teeio: plugin ./index.js: ${join(dir, 'package.json')} makes the plugin CommonJS; a plugin is an ES module: add "type": "module" to it`]]);
    expect(r.listing?.refused[0]?.reason).toBe('commonjs-package');
  });

  it('as a .cjs file is refused whatever its package says', async () => {
    const dir = project({ 'package.json': ESM, 'index.cjs': 'module.exports = {};\n' });
    const r = await plugins('./index.cjs', dir);
    expect(r.errLines).toEqual([`teeio: plugin ./index.cjs: ${join(dir, 'index.cjs')} is a CommonJS module; a plugin is an ES module (.js or .ts in a package with "type": "module")`]);
  });

  it('is not suspected in a .mjs file', async () => {
    const dir = project({ 'package.json': JSON.stringify({ name: 'cjs' }), 'index.mjs': REEXPORT });
    expect((await plugins('./index.mjs', dir)).code).toBe(0);
  });
});

/** The installed command (dist, under node): where TypeScript plugins go through tsx. */
function teeioBinary(args: string[], cwd: string, nodeOptions: string[] = []) {
  return spawnSync(process.execPath, [...nodeOptions, join(ROOT, 'core/bin/teeio.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TEEIO_DEBUG: '' } });
}

describe('--plugin NAME, in the teeio command', () => {
  const withPackage = () => project({ 'node_modules/my-arch/package.json': ESM, 'node_modules/my-arch/index.js': REEXPORT, 'work/.keep': '' });
  const plugins = (name: string, cwd: string) => {
    const r = teeioBinary(['plugins', '--plugin', name, '--format', 'json'], cwd);
    return { code: r.status, listing: listing(r.stdout) };
  };

  it('finds the package from the working directory, and from a folder below it', () => {
    const dir = withPackage();
    for (const cwd of [dir, join(dir, 'work')]) {
      const r = plugins('my-arch', cwd);
      expect([r.code, r.listing.loaded.map((p) => [p.specifier, p.name])]).toEqual([0, [['my-arch', 'fixture-valid']]]);
    }
  }, 60_000);

  it('finds a package the working directory lacks where the core is installed', () => {
    const r = plugins('@teeio/arch-cca', withPackage());
    expect([r.code, r.listing.loaded.map((p) => p.arch)]).toEqual([0, ['cca']]);
  }, 60_000);

  it('that neither has is module-not-found', () => {
    const r = plugins('my-other-arch', withPackage());
    expect([r.code, r.listing.refused[0]?.reason]).toEqual([2, 'module-not-found']);
  }, 60_000);
});

const DECORATED = `import { inject, injectable } from '@teeio/core';
export * from '${VALID}';
@injectable()
export class Firmware {
  constructor(@inject(Symbol.for('teeio.core.tracer')) readonly tracer: unknown) {}
}
`;

describe('a TypeScript plugin run by the teeio command', () => {
  const tsPlugin = (compilerOptions: object) => {
    const dir = project({ 'package.json': ESM, 'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', ...compilerOptions } }), 'index.ts': DECORATED });
    mkdirSync(join(dir, 'node_modules/@teeio'), { recursive: true });
    symlinkSync(join(ROOT, 'core'), join(dir, 'node_modules/@teeio/core'));
    return dir;
  };

  it('without experimentalDecorators is refused naming the setting, its tsconfig and the decorator', () => {
    const dir = tsPlugin({});
    const r = teeioBinary(['plugins', '--plugin', './index.ts'], dir);
    expect([r.status, r.stderr]).toEqual([
      2,
      `teeio: plugin ./index.ts: decorators need "experimentalDecorators": true and "emitDecoratorMetadata": true in ${join(dir, 'tsconfig.json')}\n` +
        `teeio: plugin ./index.ts: ${join(dir, 'index.ts')}:5:15: Parameter decorators only work when experimental decorators are enabled\n`,
    ]);
  }, 60_000);

  it('loads with them', () => {
    const r = teeioBinary(['plugins', '--plugin', './index.ts', '--format', 'json'], tsPlugin({ experimentalDecorators: true, emitDecoratorMetadata: true }));
    expect([r.status, r.stderr, listing(r.stdout).loaded.map((p) => p.name)]).toEqual([0, '', ['fixture-valid']]);
  }, 60_000);

  it('without tsx installed is refused saying to install tsx or build the plugin', () => {
    const r = teeioBinary(['plugins', '--plugin', './index.ts'], tsPlugin({ experimentalDecorators: true }), ['--import', HIDE_TSX]);
    expect([r.status, r.stderr]).toEqual([2, 'teeio: plugin ./index.ts: a TypeScript plugin needs tsx to run from source: install it (npm install -D tsx) or build the plugin and name its .js file\n']);
  }, 60_000);
});

describe('importing a plugin without reflect-metadata first', () => {
  it('works: the core imports it before tsyringe needs it', () => {
    const script = "const m = await import('@teeio/arch-cca'); const core = await import('@teeio/core'); console.log(typeof m.register, typeof core.injectable);";
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect([r.status, r.stderr, r.stdout]).toEqual([0, '', 'function function\n']);
  }, 60_000);
});
