import type { Matrix, MatrixCell } from '../matrix/matrix.js';
import { type Terminal, wrap } from './terminal.js';

/** Indentation of the arch columns under a question. */
const INDENT = '  ';

const sourceOf = (c: MatrixCell): string => `<- ${c.scenario} ${c.step}`;

/** The matrix as text: each question on its own line, then a column per arch: the answer, then (dim) the scenario and step it came from. */
export function matrixText(m: Matrix, t: Terminal): string {
  const n = m.archs.length;
  const col = Math.max(12, Math.floor((t.width - INDENT.length - (n - 1)) / n));
  const lines = [t.colors.bold(`${INDENT}${m.archs.map((a) => a.padEnd(col)).join(' ')}`.trimEnd())];
  for (const row of m.rows) {
    const cells = row.cells.map((c) => [...wrap(c.answer, col).map((l) => ({ l, dim: false })), ...wrap(sourceOf(c), col).map((l) => ({ l, dim: true }))]);
    const height = Math.max(...cells.map((x) => x.length));
    lines.push(...wrap(row.question, t.width).map((l) => t.colors.cyan(l)));
    for (let i = 0; i < height; i++) {
      const parts = cells.map((x) => {
        const part = x[i];
        const text = (part?.l ?? '').padEnd(col);
        return part?.dim ? t.colors.dim(text) : text;
      });
      lines.push(`${INDENT}${parts.join(' ')}`.trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}
