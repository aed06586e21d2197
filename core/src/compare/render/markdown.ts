import type { Comparison } from '../comparison.js';
import { cellLines, sameText } from './cell-text.js';

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** The comparison as GitHub Markdown: one table per flow run, differing rows in bold, verdicts last. */
export function comparisonMarkdown(c: Comparison): string {
  const out = [`# ${c.scenario} (seed ${c.seed})`, ''];
  for (const f of c.flows) {
    out.push(`## ${f.flow === null ? 'outside a flow' : `flow \`${f.flow}\`${f.unwinding ? ' (unwinding)' : ''}`}`, '');
    out.push(`| step | ${c.archs.join(' | ')} |`, `|---|${c.archs.map(() => '---').join('|')}|`);
    for (const row of f.steps) {
      if (row.same) {
        out.push(`| \`${row.step}\` | ${escape(sameText(row))}${' |'.repeat(c.archs.length)}`);
        continue;
      }
      const cells = row.cells.map((cell, a) => escape(cellLines(cell, row.moved.includes(c.archs[a] as string)).join('<br>')));
      out.push(`| *** \`${row.step}\`** | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push('## verdicts', '', '| arch | outcome | stopped by |', '|---|---|---|');
  for (const v of c.verdicts) out.push(`| ${v.arch} | ${v.outcome} | ${escape(v.stoppedBy ?? '—')} |`);
  return `${out.join('\n')}\n`;
}
