// Issue 10's size benchmark: loading, checking and running a scenario must grow linearly with
// its size; 10,000 VMs must take under 2 s.
import { type LoadedPlugin, runScenario, scenarioOfText } from '@teeio/core';
import { container } from 'tsyringe';
import { type Timed, fmt, medianMs } from './harness.js';
import { sizedLifecycle } from './sized-scenarios.js';

export const SIZES = [10, 100, 1000, 10_000] as const;
const TARGET_MS = 2000;

export interface SizeRow {
  readonly arch: string;
  readonly series: 'VMs' | 'assignments';
  /** Load-and-run times per size, in SIZES order. */
  readonly ms: readonly Timed[];
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
    `| arch | N … | ${SIZES.map((n) => `N = ${fmt(n)}: wall / CPU ms`).join(' | ')} | CPU µs per N at ${fmt(SIZES[3])} | CPU ${fmt(SIZES[3])} ÷ ${fmt(SIZES[2])} (10 = linear) | 10,000 VMs < 2 s (wall) |`,
    `|---|---|${SIZES.map(() => '---:').join('|')}|---:|---:|:---:|`,
  ];
  for (const { arch, series, ms } of rows) {
    const [, , thousand, last] = ms;
    if (!thousand || !last) continue;
    const target = series === 'VMs' ? (last.wall < TARGET_MS ? 'yes' : 'no') : '';
    lines.push(`| ${arch} | ${series} | ${ms.map((m) => `${fmt(m.wall)} / ${fmt(m.cpu)}`).join(' | ')} | ${((1000 * last.cpu) / SIZES[3]).toFixed(1)} | ${(last.cpu / thousand.cpu).toFixed(1)}× | ${target} |`);
  }
  return lines.join('\n');
}
