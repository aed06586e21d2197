import { BUILTIN_ARCHES } from '../plugin/builtins.js';
import { checkScenario } from '../scenario/load.js';
import type { Expectations, Scenario } from '../scenario/scenario.js';
import { KIT_EXAMPLES } from './kit-examples.js';

/** An example scenario the kit runs, with its file name. */
export interface KitExample {
  readonly file: string;
  readonly scenario: Scenario;
}

/** Every example shipped with the kit, checked against the scenario schema. */
export function kitExamples(): KitExample[] {
  return Object.entries(KIT_EXAMPLES).map(([file, json]) => ({ file, scenario: checkScenario(json, file) }));
}

/** An arch-neutral example is named for no arch: its situation and expectations hold on every arch. */
export const isArchNeutral = (file: string): boolean => !BUILTIN_ARCHES.some((a) => file.startsWith(`${a}-`));

/** The example the kit's lifecycle checks drive: bind, attest, run, unbind, VM destroy, disconnect. */
export function lifecycleExample(): Scenario {
  return checkScenario(KIT_EXAMPLES['lifecycle.json'], 'lifecycle.json');
}

/**
 * What an arch-neutral example expects of `arch`. An arch it names (`expectByArch`) is held to
 * everything; any other arch to the outcomes every arch shares: violations, TDI and VM states,
 * step results and flows. Orders and firmware calls are an arch's own, never a default.
 */
export function neutralExpectations(s: Scenario, arch: string): Scenario {
  if (s.expectByArch?.[arch] !== undefined) return s;
  const { order: _order, calls: _calls, ...shared }: Expectations = s.expect ?? {};
  return { ...s, expect: shared, expectByArch: {} };
}
