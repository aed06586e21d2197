import { wrap, type Terminal } from '../compare/render/terminal.js';
import { type TapPoint, toTap } from '../report/tap.js';
import type { CheckResult, ConformanceReport } from './report.js';

/** Findings shown under a failed check in text; the rest are counted (JSON has them all). */
const SHOWN = 5;

function checkText(c: CheckResult, t: Terminal): string[] {
  const mark = c.outcome === 'pass' ? t.colors.green('pass') : t.colors.red('FAIL');
  // Wrapped as plain text (colour codes have no width), then the mark coloured.
  const [first = '', ...more] = wrap(`${c.outcome === 'pass' ? 'pass' : 'FAIL'} ${c.id}: ${c.title}`, t.width);
  const lines = [`${mark}${first.slice(4)}`, ...more.map((l) => `     ${l}`)];
  const notes = c.outcome === 'pass' ? [c.detail] : c.findings.slice(0, SHOWN);
  if (c.findings.length > SHOWN) notes.push(`… and ${c.findings.length - SHOWN} more`);
  for (const n of notes) lines.push(...wrap(`       ${n}`, t.width).map((l) => t.colors.dim(l)));
  return lines;
}

/** The report as text within the terminal's width: a head line, then each check and what it found. */
export function conformanceText(r: ConformanceReport, t: Terminal): string {
  const failed = r.checks.filter((c) => c.outcome === 'fail').length;
  const head = `${r.plugin}${r.arch ? ` (arch ${r.arch}, ${r.firmware})` : ''}: ${failed === 0 ? t.colors.green('conforms') : t.colors.red(`${failed} of ${r.checks.length} checks failed`)}`;
  return `${[...wrap(head, t.width), ...r.checks.flatMap((c) => checkText(c, t))].join('\n')}\n`;
}

/** The report as TAP 13: one point per check, its findings as diagnostics. */
export function conformanceTap(r: ConformanceReport): string {
  return toTap(r.checks.map((c): TapPoint => ({ ok: c.outcome === 'pass', description: `${c.id}: ${c.title}`, diagnostics: c.outcome === 'pass' ? [c.detail] : c.findings })));
}
