import type { Comparison, FlowRow, StepRow } from '../comparison.js';
import { cellLines, sameText } from './cell-text.js';
import { type Terminal, wrap } from './terminal.js';

/** Width of a folded row's step name. */
const STEP_COLUMN = 26;
/** Indentation of the arch columns under a differing row's step name. */
const INDENT = '  ';

function flowTitle(f: FlowRow): string {
  return f.flow === null ? 'outside a flow' : `flow ${f.flow}${f.unwinding ? ' (unwinding)' : ''}`;
}

/**
 * A differing row: its step name on a line of its own (marked `*`, which says it differs
 * without colour), then a column per arch, each cell wrapped to its width.
 */
function differingRow(row: StepRow, c: Comparison, t: Terminal, col: number): string[] {
  const cells = row.cells.map((cell, a) => cellLines(cell, row.moved.includes(c.archs[a] as string)).flatMap((l) => wrap(l, col)));
  const height = Math.max(...cells.map((x) => x.length));
  const lines = [t.colors.yellow(`* ${row.step}`)];
  for (let i = 0; i < height; i++) lines.push(`${INDENT}${cells.map((x) => (x[i] ?? '').padEnd(col)).join(' ')}`.trimEnd());
  return lines;
}

/** The comparison as text: a column per arch, one line per row every arch did alike, verdicts last. */
export function comparisonText(c: Comparison, t: Terminal): string {
  const n = c.archs.length;
  const col = Math.max(12, Math.floor((t.width - INDENT.length - (n - 1)) / n));
  const header = `${INDENT}${c.archs.map((a) => a.padEnd(col)).join(' ')}`.trimEnd();
  const lines = [t.colors.bold(`${c.scenario} (seed ${c.seed}) on ${c.archs.join(', ')}`), t.colors.bold(header)];
  for (const f of c.flows) {
    lines.push(t.colors.cyan(flowTitle(f)));
    for (const row of f.steps) {
      if (row.same) lines.push(...wrap(`  ${row.step.padEnd(STEP_COLUMN - 2)}${sameText(row)}`, t.width).map((l) => t.colors.dim(l)));
      else lines.push(...differingRow(row, c, t, col));
    }
  }
  lines.push('', t.colors.bold('verdicts'));
  for (const v of c.verdicts) {
    const outcome = v.outcome === 'pass' ? t.colors.green('pass') : t.colors.red('fail');
    lines.push(...wrap(`  ${v.arch}: ${v.outcome}${v.stoppedBy ? `, stopped by ${v.stoppedBy}` : ''}`, t.width).map((l, i) => (i === 0 ? l.replace(v.outcome, outcome) : l)));
  }
  return `${lines.join('\n')}\n`;
}
