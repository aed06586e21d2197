import { resolve } from 'node:path';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { admitModule, loadPlugins } from '../plugin/host.js';
import type { ModuleExports } from '../plugin/import-module.js';
import type { PluginModule } from '../plugin/declaration.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { PluginRefusal } from '../plugin/refusal.js';
import { resolveSpecifier } from '../plugin/specifier.js';
import type { ConformanceCheck, KitContext } from './check.js';
import { CHECKS } from './checks/index.js';
import type { CheckResult, ConformanceReport } from './report.js';

/** What a caller may hand the kit: a specifier (as `--plugin` takes it) or the plugin's module. */
export type PluginUnderTest = string | ModuleExports | PluginModule;

export interface ConformanceOptions {
  /** Where a relative specifier is resolved from (the working directory by default). */
  readonly cwd?: string;
  /** The name a module handed in is reported by (its declaration's name by default). */
  readonly name?: string;
  /** Only these checks, by id (all by default): the mutation test runs the one that catches each mutant. */
  readonly only?: readonly string[];
  /** The container runs' worlds are children of (tsyringe's root by default). */
  readonly parent?: DependencyContainer;
}

/** The plugin as the plugin host admits it: loaded and checked, or refused. */
export async function admit(plugin: PluginUnderTest, o: ConformanceOptions = {}): Promise<LoadedPlugin | PluginRefusal> {
  if (typeof plugin === 'string') {
    const { loaded, refused } = await loadPlugins({ plugins: [resolveSpecifier(plugin, o.cwd ?? resolve('.'))] });
    return loaded[0] ?? (refused[0] as PluginRefusal);
  }
  const exports = plugin as ModuleExports;
  const given = o.name ?? (exports['declaration'] as { name?: string } | undefined)?.name ?? 'the plugin module';
  try {
    return admitModule(given, exports);
  } catch (e) {
    if (e instanceof PluginRefusal) return e;
    throw e;
  }
}

/** Runs one check; what the plugin throws fails the check, in one line. */
export function runCheck(check: ConformanceCheck, ctx: KitContext): CheckResult {
  const base = { id: check.id, title: check.title };
  const plugin = ctx.admitted instanceof PluginRefusal ? undefined : ctx.admitted;
  if (check.needsPlugin && !plugin) {
    const detail = `not run: the plugin was refused (${(ctx.admitted as PluginRefusal).reason})`;
    return { ...base, outcome: 'fail', detail, findings: [detail] };
  }
  try {
    const f = check.run(ctx, plugin as LoadedPlugin);
    const [first] = f.problems;
    if (first !== undefined) return { ...base, outcome: 'fail', detail: f.problems.length > 1 ? `${first} (and ${f.problems.length - 1} more)` : first, findings: f.problems };
    return { ...base, outcome: 'pass', detail: f.summary, findings: [] };
  } catch (e) {
    const detail = `the check threw: ${e instanceof Error ? (e.message.split('\n', 1)[0] ?? '') : String(e)}`;
    return { ...base, outcome: 'fail', detail, findings: [detail] };
  }
}

/** The checks `only` selects, in the kit's order; an unknown id is the caller's mistake. */
export function selectChecks(only?: readonly string[]): readonly ConformanceCheck[] {
  if (!only) return CHECKS;
  const unknown = only.filter((id) => !CHECKS.some((c) => c.id === id));
  if (unknown.length > 0) throw new RangeError(`no conformance check ${unknown.join(', ')}; the checks are ${CHECKS.map((c) => c.id).join(', ')}`);
  return CHECKS.filter((c) => only.includes(c.id));
}

/** The report of `checks` run on an admitted (or refused) plugin. */
export function reportOf(admitted: LoadedPlugin | PluginRefusal, checks: readonly ConformanceCheck[], parent: DependencyContainer, name?: string): ConformanceReport {
  const ctx: KitContext = { admitted, parent };
  const results = checks.map((c) => runCheck(c, ctx));
  const outcome = results.every((r) => r.outcome === 'pass') ? 'pass' : 'fail';
  if (admitted instanceof PluginRefusal) return { plugin: name ?? admitted.specifier, outcome, refused: { reason: admitted.reason, message: admitted.message }, checks: results };
  const d = admitted.declaration;
  return { plugin: name ?? admitted.specifier, arch: d.arch, firmware: d.firmware.name, outcome, checks: results };
}

/**
 * The conformance kit: loads `plugin` as the plugin host does (a specifier like `--plugin`'s, or
 * an imported module) and runs every check on it. Never throws for a bad plugin: a refused one
 * fails the declaration or ports check, and every check that needs it is reported as not run.
 */
export async function runConformance(plugin: PluginUnderTest, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const checks = selectChecks(options.only);
  return reportOf(await admit(plugin, options), checks, options.parent ?? rootContainer, options.name);
}
