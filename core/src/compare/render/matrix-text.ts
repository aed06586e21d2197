import type { Matrix, MatrixCell } from '../matrix/matrix.js';
import { type Terminal, wrap } from './terminal.js';

const QUESTION_COLUMN = 22;

const sourceOf = (c: MatrixCell): string => `<- ${c.scenario} ${c.step}`;

/** The matrix as text: a column per arch; each answer, then (dim) the scenario and step it came from. */
export function matrixText(m: Matrix, t: Terminal): string {
  const n = m.archs.length;
  const col = Math.max(12, Math.floor((t.width - QUESTION_COLUMN - (n - 1)) / n));
  const lines = [t.colors.bold(`${'question'.padEnd(QUESTION_COLUMN)}${m.archs.map((a) => a.padEnd(col)).join(' ')}`.trimEnd())];
  for (const row of m.rows) {
    const question = wrap(row.question, QUESTION_COLUMN - 2);
    const cells = row.cells.map((c) => [...wrap(c.answer, col).map((l) => ({ l, dim: false })), ...wrap(sourceOf(c), col).map((l) => ({ l, dim: true }))]);
    const height = Math.max(question.length, ...cells.map((x) => x.length));
    lines.push('');
    for (let i = 0; i < height; i++) {
      const parts = cells.map((x) => {
        const part = x[i];
        const text = (part?.l ?? '').padEnd(col);
        return part?.dim ? t.colors.dim(text) : text;
      });
      lines.push(`${(question[i] ?? '').padEnd(QUESTION_COLUMN)}${parts.join(' ')}`.trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}
