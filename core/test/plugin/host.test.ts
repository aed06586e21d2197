import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { PORTS } from '../../src/ports/tokens.js';
import { loadPlugins } from '../../src/plugin/host.js';
import type { PluginSet } from '../../src/plugin/loaded-plugin.js';
import { PluginRefusal, type RefusalReason } from '../../src/plugin/refusal.js';
import { createRunContainer } from '../../src/plugin/registration.js';
import { buildLoadRequest } from '../../src/plugin/request.js';
import { FIXTURES } from './fixtures.js';

/** Loads `specs` as `--plugin` would, with the fixtures folder as the cwd. */
const load = (...specs: string[]) => loadPlugins(buildLoadRequest({ plugins: specs }, FIXTURES));

const names = (set: PluginSet) => set.loaded.map((p) => p.declaration.name);
const reasons = (set: PluginSet) => set.refused.map((r) => [r.specifier, r.reason]);

describe('loadPlugins', () => {
  it('loads a valid plugin with its declaration and module', async () => {
    const set = await load('./valid.js');
    expect(set.refused).toEqual([]);
    expect(set.loaded).toHaveLength(1);
    const [p] = set.loaded;
    expect(p?.specifier).toBe('./valid.js');
    expect(p?.declaration.arch).toBe('fixture');
    expect(p?.module.declaration).toBe(p?.declaration);
  });

  // Each fixture breaks exactly one thing; the message names the specifier and the problem.
  const cases: [string, RefusalReason, RegExp][] = [
    ['./missing.js', 'module-not-found', /module not found: .*plugins\/missing\.js/],
    ['./import-fails.js', 'import-failed', /cannot import the module: fixture: top-level failure$/],
    ['./no-declaration.js', 'no-declaration', /no `declaration` export/],
    ['./no-register.js', 'no-register', /no `register\(container\)` function export/],
    ['./invalid-declaration.js', 'invalid-declaration', /: declaration \/plans\/bind\/0\/step: must be one of "vm\.create", /],
    ['./core-api-mismatch.js', 'core-api-mismatch', /needs core API \^99\.0\.0, this core provides 0\.1\.0/],
    ['./missing-port-declared.js', 'missing-port', /declaration does not provide the port\(s\) attestation;/],
    ['./missing-port-registered.js', 'missing-port', /register\(\) did not register the declared port\(s\) attestation$/],
    ['./register-throws.js', 'register-threw', /register\(\) threw: fixture: no firmware model configured$/],
  ];
  it.each(cases)('refuses %s: %s', async (spec, reason, problem) => {
    const set = await load(spec);
    expect(set.loaded).toEqual([]);
    expect(reasons(set)).toEqual([[spec, reason]]);
    const [refusal] = set.refused;
    expect(refusal?.message.startsWith(`plugin ${spec}: `)).toBe(true);
    expect(refusal?.message).toMatch(problem);
    expect(refusal?.message).not.toContain('\n');
  });

  it('refuses the second plugin for an arch id', async () => {
    const set = await load('./valid.js', './duplicate-arch.js');
    expect(names(set)).toEqual(['fixture-valid']);
    expect(reasons(set)).toEqual([['./duplicate-arch.js', 'duplicate-arch']]);
    expect(set.refused[0]?.message).toBe('plugin ./duplicate-arch.js: arch "fixture" is already provided by plugin ./valid.js (fixture-valid 1.0.0)');
  });

  it('refuses a plugin whose dependency is not loaded, and accepts it when it is', async () => {
    const alone = await load('./depends-on-valid.js');
    expect(reasons(alone)).toEqual([['./depends-on-valid.js', 'unmet-dependency']]);
    expect(alone.refused[0]?.message).toBe('plugin ./depends-on-valid.js: depends on "fixture-valid", which is not loaded');
    expect(names(await load('./depends-on-valid.js', './valid.js'))).toEqual(['fixture-dependent', 'fixture-valid']);
  });

  it('refuses a dependent of a refused plugin, and lists refusals in request order', async () => {
    const set = await load('./duplicate-arch.js', './valid.js', './depends-on-valid.js');
    expect(names(set)).toEqual(['fixture-duplicate-arch']);
    expect(reasons(set)).toEqual([
      ['./valid.js', 'duplicate-arch'],
      ['./depends-on-valid.js', 'unmet-dependency'],
    ]);
  });

  it('loads by absolute path and by file URL', async () => {
    const path = join(FIXTURES, 'valid.js');
    for (const spec of [path, pathToFileURL(path).href]) {
      const set = await loadPlugins(buildLoadRequest({ plugins: [spec] }, '/'));
      expect(names(set)).toEqual(['fixture-valid']);
    }
  });

  it('resolves a package name: @teeio/core is no plugin, an unknown package is not found', async () => {
    const set = await load('@teeio/core', '@teeio/no-such-plugin');
    expect(reasons(set)).toEqual([
      ['@teeio/core', 'no-declaration'],
      ['@teeio/no-such-plugin', 'module-not-found'],
    ]);
    expect(set.refused[1]?.message).toBe("plugin @teeio/no-such-plugin: module not found: Cannot find package '@teeio/no-such-plugin'");
  });

  it('loads every built-in by default', async () => {
    const set = await loadPlugins(buildLoadRequest({}, FIXTURES));
    expect(reasons(set)).toEqual([]);
    expect(set.loaded.map((p) => [p.specifier, p.declaration.arch])).toEqual([
      ['@teeio/arch-tdx', 'tdx'],
      ['@teeio/arch-sev-tio', 'sev-tio'],
      ['@teeio/arch-cca', 'cca'],
    ]);
  });
});

describe('createRunContainer', () => {
  const CORE_SERVICE = Symbol('core service');

  it('gives each run its own child of the parent, holding the plugin ports', async () => {
    const [plugin] = (await load('./valid.js')).loaded;
    if (!plugin) throw new Error('fixture did not load');
    const parent = container.createChildContainer();
    parent.register(CORE_SERVICE, { useValue: 'core' });
    const first = createRunContainer(plugin, parent);
    const second = createRunContainer(plugin, parent);
    expect(first).not.toBe(second);
    expect(first.resolve<object>(PORTS.tsm).constructor.name).toBe('FixtureTsm');
    expect(first.resolve(CORE_SERVICE)).toBe('core');
    expect(parent.isRegistered(PORTS.tsm, true)).toBe(false);
  });

  it('throws a register-threw refusal when register() fails for a run', async () => {
    const [plugin] = (await load('./valid.js')).loaded;
    if (!plugin) throw new Error('fixture did not load');
    const failing = { ...plugin, module: { ...plugin.module, register: () => { throw new Error('no luck'); } } };
    const run = () => createRunContainer(failing, container);
    expect(run).toThrow(expect.objectContaining({ reason: 'register-threw', message: 'plugin ./valid.js: register() threw: no luck' }));
    expect(run).toThrow(PluginRefusal);
  });
});
