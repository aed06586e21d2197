// teeio's explorer against SPIN on the same bounded TDISP model (issue 14): bench/spin/tdisp.pml
// under SPIN, and bench/spin/tdisp-n<N>-b<B>.json under `teeio explore`'s search over the
// simulated device (reduction off: SPIN's state vector). SPIN runs only where `spin` is found.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exploreDevice, isDeviceModel, loadAnyModel } from '@teeio/core';
import { fmt } from './harness.js';

/** N TDIs, each event at most `max` times per TDI per path (the Promela's -DN and -DB). */
interface TdispSpinBounds {
  readonly tdis: number;
  readonly max: number;
}

/** The bounds measured: the ones the count test checks, and those too slow for every test run. */
const BOUNDS: readonly TdispSpinBounds[] = [
  { tdis: 1, max: 2 },
  { tdis: 2, max: 1 },
  { tdis: 3, max: 1 },
  { tdis: 2, max: 2 },
];

interface Side {
  readonly states: number;
  readonly seconds: number;
  readonly bytesPerState: number;
}

export interface SpinRow {
  readonly bounds: TdispSpinBounds;
  readonly teeio: Side;
  readonly spin: Side | undefined;
}

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;

/** One pan run without partial-order reduction (-DNOREDUCE), full state storage; compile time excluded. */
function runSpin(dir: string, { tdis, max }: TdispSpinBounds): Side {
  execFileSync('spin', [`-DN=${tdis}`, `-DB=${max}`, '-a', 'tdisp.pml'], { cwd: dir, stdio: 'ignore' });
  execFileSync('gcc', ['-O2', '-DNOREDUCE', '-o', 'pan', 'pan.c'], { cwd: dir, stdio: 'ignore' });
  const started = process.hrtime.bigint();
  const out = execFileSync('./pan', ['-m1000'], { cwd: dir, encoding: 'utf8' });
  const took = seconds(started);
  const states = Number(/(\d+) states, stored/.exec(out)?.[1]);
  // pan's own figure for the states it stored: stored * (state vector + overhead), in MB.
  const mb = Number(/([\d.]+)\s+equivalent memory usage for states/.exec(out)?.[1]);
  return { states, seconds: took, bytesPerState: Math.round((mb * 1024 * 1024) / states) };
}

function spinPresent(): boolean {
  try {
    execFileSync('spin', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function modelOf({ tdis, max }: TdispSpinBounds) {
  const m = loadAnyModel(fileURLToPath(new URL(`./spin/tdisp-n${tdis}-b${max}.json`, import.meta.url)));
  if (!isDeviceModel(m)) throw new Error('bench/spin model files are device models');
  return m;
}

export async function spinBenchmark(): Promise<SpinRow[]> {
  const spin = spinPresent();
  if (!spin) process.stderr.write('spin not found: SPIN columns skipped (Debian package spin)\n');
  const dir = mkdtempSync(join(tmpdir(), 'teeio-spin-'));
  copyFileSync(fileURLToPath(new URL('./spin/tdisp.pml', import.meta.url)), join(dir, 'tdisp.pml'));
  try {
    const rows: SpinRow[] = [];
    for (const bounds of BOUNDS) {
      const r = await exploreDevice(modelOf(bounds), { reduction: false });
      const teeio = { states: r.states, seconds: r.stats.seconds, bytesPerState: r.stats.bytesPerState };
      rows.push({ bounds, teeio, spin: spin ? runSpin(dir, bounds) : undefined });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (s: Side): number => s.states / Math.max(s.seconds, 1e-6);

export function spinTable(rows: readonly SpinRow[]): string {
  const head = '| N, max | states teeio | states SPIN | teeio states/s | SPIN states/s | teeio/SPIN | B/state teeio | B/state SPIN |\n|---|---|---|---|---|---|---|---|';
  const lines = rows.map(({ bounds, teeio, spin }) => {
    const s = spin ? [fmt(spin.states), fmt(rate(spin)), `${(rate(teeio) / rate(spin)).toFixed(3)}×`, fmt(spin.bytesPerState)] : ['—', '—', '—', '—'];
    return `| ${bounds.tdis}, ${bounds.max} | ${fmt(teeio.states)} | ${s[0]} | ${fmt(rate(teeio))} | ${s[1]} | ${s[2]} | ${fmt(teeio.bytesPerState)} | ${s[3]} |`;
  });
  return [head, ...lines].join('\n');
}
