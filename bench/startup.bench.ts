import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt } from './harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEEIO = ['core/bin/teeio.js'];
const RUNS = 15;

/** Median wall time of `node args`, in ms, over RUNS runs after one warm-up. */
function medianMs(args: readonly string[]): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    if (r.status !== 0 && args[0] !== '-e') throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    if (i > 0) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** The first built-in arch that loads; startup is measured with it, as a user would run. */
function builtInArch(): string | undefined {
  return ['tdx', 'sev-tio', 'cca'].find((arch) => spawnSync(process.execPath, [...TEEIO, 'plugins', '--arch', arch, '--format', 'json'], { cwd: ROOT, stdio: 'ignore' }).status === 0);
}

export interface StartupRow {
  readonly command: string;
  readonly teeioMs: number;
  readonly nodeMs: number;
}

export function startupBenchmark(): StartupRow {
  const arch = builtInArch();
  const plugin = arch ? ['--arch', arch] : ['--plugin', 'test/src/reference-plugin/index.ts'];
  const args = [...TEEIO, 'run', ...plugin, 'examples/lifecycle.json', '--format', 'json'];
  return { command: `node ${args.join(' ')}`, teeioMs: medianMs(args), nodeMs: medianMs(['-e', '0']) };
}

export function startupTable({ command, teeioMs, nodeMs }: StartupRow): string {
  const ratio = teeioMs / nodeMs;
  return [
    `| command (median of ${RUNS} runs) | ms |`,
    '|---|---:|',
    `| \`${command}\` | ${fmt(teeioMs)} |`,
    `| \`node -e 0\` (baseline) | ${fmt(nodeMs)} |`,
    `| ratio | ${ratio.toFixed(2)}× (target ≤ 4×: ${ratio <= 4 ? 'met' : 'not met'}) |`,
  ].join('\n');
}
