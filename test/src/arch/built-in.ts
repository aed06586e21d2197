import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadedPlugin, type ModelOptions, type PluginDeclaration, type RunReport, type Scenario, loadScenario, runScenario } from '@teeio/core';
import { type DependencyContainer, container } from 'tsyringe';

/**
 * What the three built-in plugins' test harnesses share: the examples an arch's outcome is
 * defined for, the plugin with some of its model's rules ablated, and a run that keeps its
 * container so a test can read the firmware model's state at the end.
 */

export const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

export const example = (file: string): Scenario => loadScenario(join(EXAMPLES, file));

const ARCH_PREFIX = /^(tdx|sev-tio|cca)-/;

/**
 * The examples whose outcome on `arch` is defined: the arch-neutral ones, the arch's own, and
 * another arch's (its file name starts with that arch) only when it states what `arch` does.
 */
export const examplesFor = (arch: string): string[] =>
  readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .filter((f) => {
      const prefix = ARCH_PREFIX.exec(f)?.[1];
      return prefix === undefined || prefix === arch || example(f).expectByArch?.[arch] !== undefined;
    });

/** A built-in plugin's module: its declaration and a register() that takes the model's options. */
export interface ArchModule<RuleId extends string> {
  readonly declaration: PluginDeclaration;
  register(c: DependencyContainer, options: ModelOptions<RuleId>): void;
}

/** The plugin as the host loads it, with rules ablated; `seen` receives each run's container. */
export function ablated<RuleId extends string>(specifier: string, m: ArchModule<RuleId>, ablate: readonly RuleId[] = [], seen?: (c: DependencyContainer) => void): LoadedPlugin {
  const { declaration } = m;
  return {
    specifier,
    declaration,
    module: {
      declaration,
      register: (c) => {
        m.register(c, { ablate });
        seen?.(c);
      },
    },
  };
}

/** Runs a scenario on the plugin `plugin(seen)` builds; also yields the run's container. */
export function runKeeping(scenario: Scenario, plugin: (seen: (c: DependencyContainer) => void) => LoadedPlugin): { report: RunReport; run: DependencyContainer } {
  let run: DependencyContainer | undefined;
  const report = runScenario(scenario, plugin((c) => (run = c)), container, { stateHash: false });
  if (!run) throw new Error('the plugin was never registered');
  return { report, run };
}
