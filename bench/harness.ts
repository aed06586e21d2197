import { cpus, totalmem } from 'node:os';
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
  return `${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} logical cores), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Median wall time of `work` in ms over `runs` runs, after one run to warm up. */
export function medianMs(work: () => void, runs: number): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    work();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
