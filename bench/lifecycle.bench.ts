import 'reflect-metadata';
import { type LoadedPlugin, loadScenario, runScenario } from '@teeio/core';
import { container } from 'tsyringe';
import * as devsec from '../test/src/reference-plugin/index.js';
import { type Measured, fmt, measure } from './harness.js';

export const REFERENCE: LoadedPlugin = { specifier: 'reference', declaration: devsec.declaration, module: devsec };
const LIFECYCLE = loadScenario(new URL('../examples/lifecycle.json', import.meta.url).pathname);

export interface LifecycleRow {
  readonly on: Measured;
  readonly off: Measured;
}

/** A whole lifecycle (world built, every flow, teardown, expectations, state hash) per operation. */
export async function lifecycleBenchmarks(): Promise<LifecycleRow> {
  const r = await measure(
    {
      'lifecycle, invariants on': () => runScenario(LIFECYCLE, REFERENCE, container, { stateHash: false }),
      'lifecycle, invariants off': () => runScenario(LIFECYCLE, REFERENCE, container, { invariants: false, stateHash: false }),
    },
    2000,
    10,
  );
  return { on: r.get('lifecycle, invariants on') as Measured, off: r.get('lifecycle, invariants off') as Measured };
}

export function lifecycleTable({ on, off }: LifecycleRow): string {
  return [
    '| run of examples/lifecycle.json on the reference plugin | lifecycles/s | target |',
    '|---|---:|---|',
    `| invariants on | ${fmt(on.opsPerSecond)} ±${on.rme.toFixed(1)}% | ≥ 5,000/s: ${on.opsPerSecond >= 5000 ? 'met' : 'not met'} |`,
    `| invariants off (baseline) | ${fmt(off.opsPerSecond)} ±${off.rme.toFixed(1)}% | |`,
    `| cost of checking: off ÷ on | ${(off.opsPerSecond / on.opsPerSecond).toFixed(2)}× | ≤ 2×: ${off.opsPerSecond / on.opsPerSecond <= 2 ? 'met' : 'not met'} |`,
  ].join('\n');
}
