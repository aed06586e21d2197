// Issue 14's scale curve: one lifecycle on a platform of 1 to 4,096 TDIs and 1 to 64 VMs. Its
// time and memory must grow no worse than linearly in the number of TDIs.
import { type LoadedPlugin, World, type WorldSpec, liveHeapBytes, runScenario, worldSpecOf } from '@teeio/core';
import { container } from 'tsyringe';
import { fmt, medianMs } from './harness.js';
import { sizedLifecycle } from './sized-scenarios.js';

export const TDIS = [1, 4, 16, 64, 256, 1024, 4096] as const;
export const VMS = [1, 8, 64] as const;
/** Worlds kept alive at once to weigh one: enough that the heap's own noise is small beside them. */
const weighed = (tdis: number) => (tdis <= 64 ? 64 : 8);
const WARM_UP = 500;
/** Lifecycles run before a size is timed: a few hundred where they are cheap, a few at 4,096 TDIs. */
const warmUpRuns = (tdis: number) => Math.max(3, Math.min(300, Math.round(20_000 / tdis)));

export interface ScalePoint {
  readonly tdis: number;
  readonly vms: number;
  /** CPU ms (the machine may be shared: wall time says less). */
  readonly msPerLifecycle: number;
  readonly worldBytes: number;
}

/** Heap a live world of the scenario's platform holds, in bytes (the mean over several). */
function worldBytes(spec: WorldSpec, plugin: LoadedPlugin, count: number): number {
  new World(spec, plugin, container);
  const before = liveHeapBytes();
  const kept = Array.from({ length: count }, () => new World(spec, plugin, container));
  return (liveHeapBytes() - before) / kept.length;
}

/** The curve on one plugin; the VFs are the TDIs (the PF, a TDI too, stays unassigned). */
export function scaleBenchmark(plugin: LoadedPlugin): ScalePoint[] {
  const points: ScalePoint[] = [];
  // The first point is the baseline of every ratio: measured on compiled code, not while V8 warms up.
  const smallest = sizedLifecycle(1, 1);
  for (let i = 0; i < WARM_UP; i++) runScenario(smallest, plugin, container, { stateHash: false });
  for (const vms of VMS)
    for (const tdis of TDIS) {
      const scenario = sizedLifecycle(vms, tdis);
      const lifecycle = () => runScenario(scenario, plugin, container, { stateHash: false });
      // Each size warmed up as the first was: a new platform's shapes send V8 back to slower
      // code for some runs, which a median of 15 did not outlast at 4 TDIs (10× the 1-TDI time).
      for (let i = 0; i < warmUpRuns(tdis); i++) lifecycle();
      const msPerLifecycle = medianMs(lifecycle, tdis >= 1024 ? 5 : 15).cpu;
      points.push({ tdis, vms, msPerLifecycle, worldBytes: worldBytes(worldSpecOf(scenario), plugin, weighed(tdis)) });
    }
  return points;
}

export function scaleTable(points: readonly ScalePoint[]): string {
  const at = (tdis: number, vms: number) => points.find((p) => p.tdis === tdis && p.vms === vms);
  const lines = [
    `| TDIs | ${VMS.map((v) => `${v} VM${v > 1 ? 's' : ''}: CPU ms per lifecycle | KiB per world`).join(' | ')} | ms ÷ ms at 1 TDI (1 VM) | TDIs ÷ 1 |`,
    `|---:|${VMS.map(() => '---:|---:').join('|')}|---:|---:|`,
  ];
  const base = at(1, 1)?.msPerLifecycle ?? 1;
  for (const tdis of TDIS) {
    const cells = VMS.map((vms) => {
      const p = at(tdis, vms);
      return p ? `${p.msPerLifecycle.toFixed(2)} | ${fmt(p.worldBytes / 1024)}` : '– | –';
    });
    lines.push(`| ${fmt(tdis)} | ${cells.join(' | ')} | ${((at(tdis, 1)?.msPerLifecycle ?? 0) / base).toFixed(1)}× | ${fmt(tdis)} |`);
  }
  return lines.join('\n');
}
