import { cpus, loadavg, totalmem } from 'node:os';
import { Bench } from 'tinybench';

/** How many operations one timed sample runs: sub-microsecond work needs batching to be timed. */
export const BATCH = 1000;

export interface Measured {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly rme: number;
}

/** Runs each task `batch` times per sample and reports operations (not samples) per second. */
export async function measure(tasks: Record<string, () => unknown>, timeMs = 1500, batch = BATCH): Promise<Map<string, Measured>> {
  const bench = new Bench({ time: timeMs, warmup: true });
  let sink: unknown;
  for (const [name, fn] of Object.entries(tasks)) {
    bench.add(name, () => {
      for (let i = 0; i < batch; i++) sink = fn();
    });
  }
  await bench.run();
  if (sink === Symbol.for('never')) console.log(sink);
  const out = new Map<string, Measured>();
  for (const t of bench.tasks) {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`benchmark ${t.name} did not complete (${r.state})`);
    out.set(t.name, { name: t.name, opsPerSecond: r.throughput.mean * batch, rme: r.throughput.rme });
  }
  return out;
}

export function machine(): string {
  const cpu = cpus();
  // The machine may be shared: the load when the run started says how far wall times stretched.
  return `${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} logical cores), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg()[0]?.toFixed(1)} at the start`;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export interface Timed {
  /** Wall time, ms. */
  readonly wall: number;
  /** The process's CPU time (user and system), ms: less stretched than wall time on a shared machine. */
  readonly cpu: number;
}

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Median wall and CPU time of `work` in ms over `runs` runs, after one run to warm up. */
export function medianMs(work: () => void, runs: number): Timed {
  work();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    work();
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}
