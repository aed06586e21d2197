import { type Terminal, wrap } from '../compare/render/terminal.js';
import type { ArchSweep, SweepProblem, SweepResult } from './fault-sweep.js';

/** The table's columns: a heading and the figure it shows; the table is 72 columns wide. */
const COLUMNS: readonly (readonly [string, (a: ArchSweep) => string])[] = [
  ['runs', (a) => String(a.runs)],
  ['injected', (a) => String(a.fired)],
  ['exit 0/1/2/70', (a) => `${a.exits[0]}/${a.exits[1]}/${a.exits[2]}/${a.exits[70]}`],
  ['leaks', (a) => String(a.problems.leak)],
  ['unexpected', (a) => String(a.problems['unexpected violation'])],
  ['internal', (a) => String(a.problems['internal error'])],
];
const ARCH_WIDTH = 10;
const widthOf = (heading: string): number => Math.max(heading.length, 6) + 2;

const row = (first: string, cells: readonly string[]): string =>
  first.padEnd(ARCH_WIDTH) + cells.map((c, i) => c.padStart(widthOf(COLUMNS[i]?.[0] ?? ''))).join('');

/** One problem: what to replay (scenario, arch, fault) first, then what happened, wrapped to the width. */
function problemLines(p: SweepProblem, t: Terminal): string[] {
  const head = `${p.scenario} on ${p.arch}, fault ${p.fault}: ${p.kind}`;
  return [...wrap(head, t.width).map((l) => t.colors.red(l)), ...wrap(`  ${p.detail}`, t.width)];
}

/**
 * The sweep as text: a row per arch (runs, injections that fired, runs by exit code, leaks,
 * unexpected violations, internal errors), then every problem with the fault that caused it.
 */
export function sweepText(r: SweepResult, t: Terminal): string {
  const lines = [t.colors.bold(row('arch', COLUMNS.map(([h]) => h)))];
  for (const a of r.archs) lines.push(row(a.arch, COLUMNS.map(([, figure]) => figure(a))));
  lines.push(...r.problems.flatMap((p) => problemLines(p, t)));
  const verdict = r.problems.length === 0 ? t.colors.green('no unexpected violation, leak or internal error') : t.colors.red(`${r.problems.length} problem(s)`);
  lines.push(verdict);
  return `${lines.join('\n')}\n`;
}
