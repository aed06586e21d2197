import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PluginListing } from '../../../core/src/plugin/listing.js';
import { teeio as teeioIn } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

/** Runs teeio in memory with the fixtures folder as the cwd (or `cwd`), without colours. */
const teeio = (args: string[], cwd = FIXTURES, terminal: { readonly columns?: number } = {}) => teeioIn(args, cwd, terminal);

const json = (out: string) => JSON.parse(out) as PluginListing;

/** A fresh directory holding `teeio.config.json` with `text`. */
function configDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'teeio-cli-config-'));
  writeFileSync(join(dir, 'teeio.config.json'), text);
  return dir;
}

describe('teeio plugins', () => {
  it('lists a valid plugin as JSON and exits 0', async () => {
    const r = await teeio(['plugins', '--plugin', './valid.js', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const { loaded, refused } = json(r.out);
    expect(refused).toEqual([]);
    expect(loaded).toEqual([
      expect.objectContaining({
        specifier: './valid.js',
        name: 'fixture-valid',
        version: '1.0.0',
        arch: 'fixture',
        firmware: { name: 'fixture firmware', injectedFailure: 'FIXTURE_BUSY' },
        ports: ['tsm', 'mmio', 'iommu', 'attestation'],
        flows: ['connect', 'createVpci', 'bind', 'accept', 'unlock', 'unbind', 'vfioClose', 'flr', 'vmDestroy', 'disconnect'],
      }),
    ]);
    expect(loaded[0]?.semantics).toMatch(/^A test fixture/);
  });

  it('prints each plugin as a heading and its fields as text', async () => {
    const r = await teeio(['plugins', '--plugin', './valid.js']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^fixture {2}fixture-valid 1\.0\.0\n {2}firmware {4}fixture firmware; injected failure: \S+\n {2}ports {7}tsm, mmio, iommu, attestation\n/);
    expect(r.out).not.toContain('\x1b[');
  });

  it('fits the terminal: the built-ins and a refusal, at 100 and 60 columns, each field wrapped under itself', async () => {
    const args = ['plugins', '--arch', 'tdx', '--arch', 'sev-tio', '--arch', 'cca', '--plugin', './missing.js'];
    for (const columns of [100, 60]) {
      const r = await teeio(args, FIXTURES, { columns });
      const lines = r.out.split('\n');
      expect(lines.filter((l) => l.length > columns)).toEqual([]);
      expect(r.out.replace(/\s+/g, ' ')).toContain('TDH.DEVIF.REMOVE (refused while MMIO or DMA is mapped)');
      expect(r.out).toMatch(/\nrefused {2}\.\/missing\.js\n {2}reason {6}module-not-found\n {2}problem {5}module not found/);
    }
  });

  // Every refusal: exit 2, one stderr line naming the specifier, the reason in the listing.
  const refusals: [string[], string, string, RegExp][] = [
    [['./missing.js'], './missing.js', 'module-not-found', /module not found/],
    [['@teeio/no-such-plugin'], '@teeio/no-such-plugin', 'module-not-found', /module not found: Cannot find package '@teeio\/no-such-plugin'$/],
    [['@teeio/core'], '@teeio/core', 'no-declaration', /no `declaration` export/],
    [['./import-fails.js'], './import-fails.js', 'import-failed', /top-level failure/],
    [['./no-declaration.js'], './no-declaration.js', 'no-declaration', /no `declaration` export/],
    [['./no-register.js'], './no-register.js', 'no-register', /no `register\(container\)` function export/],
    [['./invalid-declaration.js'], './invalid-declaration.js', 'invalid-declaration', /declaration \/plans\/bind\/0\/step: must be one of /],
    [['./core-api-mismatch.js'], './core-api-mismatch.js', 'core-api-mismatch', /needs core API \^99\.0\.0/],
    [['./missing-port-declared.js'], './missing-port-declared.js', 'missing-port', /does not provide the port\(s\) attestation/],
    [['./missing-port-registered.js'], './missing-port-registered.js', 'missing-port', /did not register the declared port\(s\) attestation/],
    [['./missing-port-method.js'], './missing-port-method.js', 'missing-port-method', /the iommu port has no method t1Translates\(\)/],
    [['./register-throws.js'], './register-throws.js', 'register-threw', /register\(\) threw: fixture: no firmware model configured/],
    [['./valid.js', './duplicate-arch.js'], './duplicate-arch.js', 'duplicate-arch', /arch "fixture" is already provided by plugin \.\/valid\.js/],
    [['./depends-on-valid.js'], './depends-on-valid.js', 'unmet-dependency', /depends on "fixture-valid", which is not loaded/],
  ];
  describe.each(['text', 'json'])('--format %s', (format) => {
    it.each(refusals)('%j: exit 2, one stderr line', async (specs, refused, reason, problem) => {
      const r = await teeio(['plugins', ...specs.flatMap((s) => ['--plugin', s]), '--format', format]);
      expect(r.code).toBe(2);
      expect(r.errLines).toHaveLength(1);
      expect(r.errLines[0]).toMatch(new RegExp(`^teeio: plugin ${refused.replaceAll('.', '\\.')}: `));
      expect(r.errLines[0]).toMatch(problem);
      expect(r.out).toContain(reason);
      if (format === 'json') expect(json(r.out).refused).toEqual([expect.objectContaining({ specifier: refused, reason })]);
    });
  });

  it('loads a dependency with its dependent', async () => {
    const r = await teeio(['plugins', '--plugin', './depends-on-valid.js', '--plugin', './valid.js', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r.out).loaded.map((p) => p.name)).toEqual(['fixture-dependent', 'fixture-valid']);
  });

  it('takes a path relative to the cwd, an absolute path and a file URL', async () => {
    const path = join(FIXTURES, 'valid.js');
    for (const [spec, cwd] of [['test/src/fixtures/plugins/valid.js', ROOT], [path, tmpdir()], [pathToFileURL(path).href, tmpdir()]] as const) {
      const r = await teeio(['plugins', '--plugin', spec, '--format', 'json'], cwd);
      expect([r.code, json(r.out).loaded[0]?.specifier]).toEqual([0, spec]);
    }
  });

  it('loads every built-in by default', async () => {
    const r = await teeio(['plugins', '--format', 'json'], tmpdir());
    expect(r.code).toBe(0);
    expect(json(r.out).loaded.map((p) => p.arch)).toEqual(['tdx', 'sev-tio', 'cca']);
    expect(r.err).toBe('');
  });

  it('loads built-ins by arch id and refuses an unknown one', async () => {
    const r = await teeio(['plugins', '--arch', 'sev-tio', '--format', 'json']);
    expect(json(r.out).loaded.map((p) => p.specifier)).toEqual(['@teeio/arch-sev-tio']);
    const bad = await teeio(['plugins', '--arch', 'riscv']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("argument 'riscv' is invalid. Allowed choices are tdx, sev-tio, cca.");
  });

  it('shows what loaded and what was refused together', async () => {
    const r = await teeio(['plugins', '--plugin', './valid.js', '--plugin', './no-declaration.js', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(json(r.out).loaded.map((p) => p.name)).toEqual(['fixture-valid']);
    expect(json(r.out).refused.map((p) => p.reason)).toEqual(['no-declaration']);
  });
});

describe('teeio plugins with a config file', () => {
  const valid = join(FIXTURES, 'valid.js');

  it('loads the plugins of teeio.config.json in the cwd, and of --config', async () => {
    const dir = configDir(JSON.stringify({ plugins: [valid] }));
    for (const [args, cwd] of [[[], dir], [['--config', join(dir, 'teeio.config.json')], tmpdir()]] as const) {
      const r = await teeio(['plugins', ...args, '--format', 'json'], cwd);
      expect([r.code, json(r.out).loaded.map((p) => p.name)]).toEqual([0, ['fixture-valid']]);
    }
  });

  it.each([
    ['an unknown field', '{"plugins": [], "extra": 1}', 'teeio: config teeio.config.json: /extra: unknown field'],
    ['a wrong type', '{"plugins": [true]}', 'teeio: config teeio.config.json: /plugins/0: must be string'],
    ['invalid JSON', '{\n"plugins": [}', 'teeio: config teeio.config.json:2:13: not JSON: unexpected "}"'],
  ])('refuses %s with exit 2 and one line naming the file and where', async (_what, text, line) => {
    const r = await teeio(['plugins'], configDir(text));
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([expect.stringMatching(line)]);
    expect(r.out).toBe('');
  });

  it('names a --config file that cannot be read', async () => {
    const r = await teeio(['plugins', '--config', 'nope.json']);
    expect([r.code, r.errLines]).toEqual([2, ['teeio: config nope.json: cannot read: ENOENT']]);
  });
});

describe('the teeio binary', () => {
  it('loads a valid plugin from dist (exit 0, JSON) and refuses a broken one (exit 2, one line)', () => {
    // A type error elsewhere in the shared tree fails tsc but does not stop its emit; the runs
    // below are the test, and show tsc's complaints if they fail.
    const tsc = spawnSync('npx', ['tsc', '-b'], { cwd: ROOT, encoding: 'utf8' });
    const build = `tsc -b exited ${tsc.status}: ${tsc.stdout}`;
    const run = (fixture: string) =>
      spawnSync(process.execPath, ['core/bin/teeio.js', 'plugins', '--plugin', `test/src/fixtures/plugins/${fixture}`, '--format', 'json'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const ok = run('valid.js');
    expect([ok.status, ok.stderr], build).toEqual([0, '']);
    expect((JSON.parse(ok.stdout) as PluginListing).loaded[0]?.name).toBe('fixture-valid');
    const broken = run('invalid-declaration.js');
    expect(broken.status, build).toBe(2);
    expect(broken.stderr).toMatch(/^teeio: plugin test\/src\/fixtures\/plugins\/invalid-declaration\.js: declaration \/plans\/bind\/0\/step: must be one of [^\n]*\n$/);
  }, 180_000);
});
