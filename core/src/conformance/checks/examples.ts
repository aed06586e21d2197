import type { DependencyContainer } from 'tsyringe';
import type { LoadedPlugin } from '../../plugin/loaded-plugin.js';
import { type RunReport, runScenario } from '../../scenario/run.js';
import type { Scenario } from '../../scenario/scenario.js';
import { type ConformanceCheck, findings } from '../check.js';
import { type KitExample, isArchNeutral, kitExamples, neutralExpectations } from '../examples.js';

/** Runs `s`; what the plugin threw becomes the report's absence, and a problem line. */
export function tryRun(s: Scenario, plugin: LoadedPlugin, parent: DependencyContainer, seed?: string): RunReport | string {
  try {
    return runScenario(s, plugin, parent, { stateHash: false, ...(seed === undefined ? {} : { seed }) });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Why a run did not pass: each unmet expectation (a violation the example did not expect is one). */
function failures(file: string, r: RunReport | string): string[] {
  if (typeof r === 'string') return [`${file}: ${r}`];
  const v = r.violations[0];
  const why = (what: string) => (what === 'violation' && v ? ` (after ${v.step}: ${v.message})` : '');
  return r.expectations.filter((x) => !x.ok).map((x) => `${file}: ${x.what}: expected ${x.expected}, got ${x.actual}${why(x.what)}`);
}

function runAll(examples: readonly KitExample[], plugin: LoadedPlugin, parent: DependencyContainer, adapt: (s: Scenario) => Scenario) {
  const problems = examples.flatMap(({ file, scenario }) => failures(file, tryRun(adapt(scenario), plugin, parent)));
  return findings(problems, `${examples.length} examples: ${examples.map((e) => e.file.replace(/\.json$/, '')).join(', ')}`);
}

/** Every arch-neutral example runs with every invariant checked after every step, and meets what it expects. */
export const examplesCheck: ConformanceCheck = {
  id: 'examples',
  title: 'every arch-neutral example passes, every invariant checked after every step',
  needsPlugin: true,
  run({ parent }, plugin) {
    const arch = plugin.declaration.arch;
    return runAll(kitExamples().filter((e) => isArchNeutral(e.file)), plugin, parent, (s) => neutralExpectations(s, arch));
  },
};

/**
 * The arch-specific examples that state this arch's outcome (`expectByArch`) meet it: the orders
 * and error codes only one arch has, which no arch-neutral check can judge. An arch no example
 * names has none (its author adds scenarios of their own to the repository's examples).
 */
export const archExamplesCheck: ConformanceCheck = {
  id: 'arch-examples',
  title: 'the arch-specific examples that state this arch\'s outcome pass',
  needsPlugin: true,
  run({ parent }, plugin) {
    const arch = plugin.declaration.arch;
    const mine = kitExamples().filter((e) => !isArchNeutral(e.file) && e.scenario.expectByArch?.[arch] !== undefined);
    if (mine.length === 0) return findings([], `no example states what arch ${arch} does`);
    return runAll(mine, plugin, parent, (s) => s);
  },
};
