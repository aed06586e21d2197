import type { Matrix } from '../matrix/matrix.js';

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** The matrix as a GitHub Markdown table; each cell names the scenario and step it came from. */
export function matrixMarkdown(m: Matrix): string {
  const out = [`| question | ${m.archs.join(' | ')} |`, `|---|${m.archs.map(() => '---').join('|')}|`];
  for (const row of m.rows) {
    out.push(`| ${escape(row.question)} | ${row.cells.map((c) => `${escape(c.answer)}<br><sub>${escape(c.scenario)} \`${escape(c.step)}\`</sub>`).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}
