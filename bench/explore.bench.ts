// Issue 14: the canonical cross-arch model explored exhaustively on each built-in arch, each in
// under 60 s on this machine: what `teeio explore --arch all examples/models/canonical.json` does.
import { explore, type LoadedPlugin, loadModel } from '@teeio/core';
import { fileURLToPath } from 'node:url';
import { container } from 'tsyringe';
import { fmt } from './harness.js';

const TARGET_S = 60;

export interface ExploreRow {
  readonly arch: string;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly complete: boolean;
  readonly seconds: number;
  /** The process's CPU time (user and system): less stretched than wall time on a shared machine. */
  readonly cpuSeconds: number;
  readonly bytesPerState: number;
  readonly violations: number;
}

export async function exploreBenchmark(plugins: readonly LoadedPlugin[]): Promise<ExploreRow[]> {
  const model = loadModel(fileURLToPath(new URL('../examples/models/canonical.json', import.meta.url)));
  const rows: ExploreRow[] = [];
  for (const plugin of plugins) {
    const cpu = process.cpuUsage();
    const r = await explore(model, plugin, container);
    const used = process.cpuUsage(cpu);
    const { states, transitions, depth, complete, stats, violations } = r;
    rows.push({ arch: r.arch, states, transitions, depth, complete, seconds: stats.seconds, cpuSeconds: (used.user + used.system) / 1e6, bytesPerState: stats.bytesPerState, violations: violations.length });
  }
  return rows;
}

export function exploreTable(rows: readonly ExploreRow[]): string {
  const head = `| arch | distinct states | transitions | depth | exhaustive | wall s | CPU s | states/s | B per stored state | invariants broken | < ${TARGET_S} s |\n|---|---:|---:|---:|:---:|---:|---:|---:|---:|---:|:---:|`;
  const lines = rows.map((r) => {
    const cells = [r.arch, fmt(r.states), fmt(r.transitions), r.depth, r.complete ? 'yes' : 'no', r.seconds.toFixed(1), r.cpuSeconds.toFixed(1), fmt(r.states / r.seconds), fmt(r.bytesPerState), r.violations, r.seconds < TARGET_S && r.complete ? 'yes' : 'no'];
    return `| ${cells.join(' | ')} |`;
  });
  return [head, ...lines].join('\n');
}
