import type { Comparison, FlowRow, StepRow } from '../comparison.js';
import { cellLines, sameText } from './cell-text.js';
import { type Terminal, wrap } from './terminal.js';

const STEP_COLUMN = 26;

function flowTitle(f: FlowRow): string {
  return f.flow === null ? 'outside a flow' : `flow ${f.flow}${f.unwinding ? ' (unwinding)' : ''}`;
}

/** A differing row: a column per arch, each cell wrapped to its width; the marker `*` says it differs without colour. */
function differingRow(row: StepRow, c: Comparison, t: Terminal, col: number): string[] {
  const cells = row.cells.map((cell, a) => cellLines(cell, row.moved.includes(c.archs[a] as string)).flatMap((l) => wrap(l, col)));
  const height = Math.max(...cells.map((x) => x.length));
  const lines: string[] = [];
  for (let i = 0; i < height; i++) {
    const label = i === 0 ? `* ${row.step}`.slice(0, STEP_COLUMN - 1).padEnd(STEP_COLUMN) : ' '.repeat(STEP_COLUMN);
    const parts = cells.map((x) => (x[i] ?? '').padEnd(col));
    lines.push(`${i === 0 ? t.colors.yellow(label) : label}${parts.join(' ')}`.trimEnd());
  }
  return lines;
}

/** The comparison as text: a column per arch, one line per row every arch did alike, verdicts last. */
export function comparisonText(c: Comparison, t: Terminal): string {
  const n = c.archs.length;
  const col = Math.max(12, Math.floor((t.width - STEP_COLUMN - (n - 1)) / n));
  const header = `${'step'.padEnd(STEP_COLUMN)}${c.archs.map((a) => a.padEnd(col)).join(' ')}`.trimEnd();
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
