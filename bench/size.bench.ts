// Issue 10's size benchmark: loading, checking and running a scenario must grow linearly with
// its size; 10,000 VMs must take under 2 s.
import { type LoadedPlugin, runScenario, scenarioOfText } from '@teeio/core';
import { container } from 'tsyringe';
import { fmt, medianMs } from './harness.js';
import { sizedLifecycle } from './sized-scenarios.js';

export const SIZES = [10, 100, 1000, 10_000] as const;
const TARGET_MS = 2000;

export interface SizeRow {
  readonly arch: string;
  readonly series: 'VMs' | 'assignments';
  /** Load-and-run milliseconds per size, in SIZES order. */
  readonly ms: readonly number[];
}

/** Parse, schema and reference checks, world, every step with every invariant, expectations and the state hash: what `teeio run` does. */
function loadAndRun(text: string, plugin: LoadedPlugin): void {
  const r = runScenario(scenarioOfText(text, 'sized.json'), plugin, container);
  if (r.outcome !== 'pass') throw new Error(`${plugin.declaration.arch}: ${r.scenario} did not pass`);
}

export function sizeBenchmarks(plugins: readonly LoadedPlugin[]): SizeRow[] {
  const rows: SizeRow[] = [];
  for (const plugin of plugins)
    for (const series of ['VMs', 'assignments'] as const) {
      const ms = SIZES.map((n) => {
        const text = JSON.stringify(series === 'VMs' ? sizedLifecycle(n, 1) : sizedLifecycle(1, n));
        return medianMs(() => loadAndRun(text, plugin), n >= 10_000 ? 3 : 5);
      });
      rows.push({ arch: plugin.declaration.arch, series, ms });
    }
  return rows;
}

export function sizeTable(rows: readonly SizeRow[]): string {
  const lines = [
    `| arch | scenario with N … | ${SIZES.map((n) => `N = ${fmt(n)}`).join(' | ')} | µs per VM or assignment at ${fmt(SIZES[3])} | ${fmt(SIZES[3])} ÷ ${fmt(SIZES[2])} (10 = linear) | 10,000 VMs < 2 s |`,
    `|---|---|${SIZES.map(() => '---:').join('|')}|---:|---:|:---:|`,
  ];
  for (const { arch, series, ms } of rows) {
    const [, , thousand = 0, last = 0] = ms;
    const target = series === 'VMs' ? (last < TARGET_MS ? 'yes' : 'no') : '';
    lines.push(`| ${arch} | ${series} | ${ms.map((m) => `${m.toFixed(1)} ms`).join(' | ')} | ${((1000 * last) / SIZES[3]).toFixed(1)} | ${(last / thousand).toFixed(1)}× | ${target} |`);
  }
  return lines.join('\n');
}
