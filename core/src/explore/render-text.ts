import type { Colors } from '../cli/colors.js';
import type { ExploreReport } from './report.js';
import type { ExploreResult, TraceStep } from './result.js';

export interface TextOptions {
  readonly width: number;
  readonly colors: Colors;
}

/** A trace step as one short phrase: `bind 0000:01:00.1`, `event flr 0000:01:00.1`, `lock tdi 0`. */
export function actionText(a: TraceStep): string {
  if ('fire' in a) return `${a.fire} tdi ${a.tdi}`;
  const what = 'flow' in a ? a.flow : 'step' in a ? `step ${a.step}` : 'use' in a ? 'use' : `event ${a.event}`;
  return [what, a.tdi ?? a.dsm ?? a.vm].filter((x) => x !== undefined).join(' ');
}

/** Words joined by `sep` after `first`, wrapped at `width` with `indent` on each continuation line. */
function wrap(words: readonly string[], sep: string, indent: string, width: number, first = ''): string {
  const lines: string[] = [];
  let line = first;
  for (const [i, w] of words.entries()) {
    const piece = i === words.length - 1 ? w : `${w}${sep}`;
    if (line.length > indent.length && line.length + piece.trimEnd().length > width) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += piece;
  }
  return lines.concat(line.trimEnd()).join('\n');
}

const traceText = (trace: readonly TraceStep[], width: number) =>
  wrap(trace.length === 0 ? ['(at the start)'] : trace.map(actionText), ' → ', '      ', width, '      ');

function resultText(r: ExploreResult<TraceStep>, o: TextOptions): string {
  const c = o.colors;
  const s = r.stats;
  const lines = [
    c.bold(`${r.arch}  ${r.plugin}  model ${r.model}  seed ${r.seed}${r.reduction ? '' : '  (no reduction)'}`),
    `  ${r.states} distinct states, ${r.transitions} transitions, depth ${r.depth}, ${r.complete ? 'exhaustive' : c.yellow('stopped at --max-states')}`,
    `  ${s.seconds} s, ${s.statesPerSecond} states/s, ${s.bytesPerState} B per stored state, ${s.workers} worker${s.workers === 1 ? '' : 's'}`,
  ];
  if (r.violations.length === 0) lines.push(`  ${c.green('no invariant broken')}`);
  for (const v of r.violations) {
    lines.push(wrap(`  ${c.red(`invariant ${v.number} ${v.invariant}`)} after ${v.step} in ${v.depth} events: ${v.message}`.split(' '), ' ', '    ', o.width));
    lines.push(traceText(v.trace, o.width));
  }
  if (r.deadlock) {
    lines.push(`  ${c.red(`deadlock`)} (${r.deadlocks} stuck states), shortest in ${r.deadlock.depth} events:`);
    lines.push(traceText(r.deadlock.trace, o.width));
  }
  if (r.firmwareErrors.length > 0) lines.push(wrap(['  firmware errors reached:', ...r.firmwareErrors.map((f) => `${f.code} (${f.op})`)], ' ', '    ', o.width));
  return lines.join('\n');
}

/** The cross-arch table: rows that at least one arch reaches, each cell the shortest depth or -. */
function reachText(report: ExploreReport, o: TextOptions): string {
  const archs = report.archs;
  const cell = Math.max(7, ...archs.map((a) => a.length)) + 2;
  const nameWidth = Math.max(10, o.width - cell * archs.length);
  const fit = (t: string, n: number) => (t.length > n ? `${t.slice(0, n - 1)}…` : t.padEnd(n));
  const header = `${fit(`reachable under ${report.model} (events to reach)`, nameWidth)}${archs.map((a) => a.padStart(cell)).join('')}`;
  const rows = report.reach
    .filter((r) => r.kind === 'invariant' || Object.values(r.depth).some((d) => d !== null))
    .map((r) => `${fit(r.kind === 'firmware-error' ? `fw ${r.name}` : r.name, nameWidth)}${archs.map((a) => String(r.depth[a] ?? '-').padStart(cell)).join('')}`);
  return [o.colors.bold(header.trimEnd()), ...rows.map((l) => l.trimEnd())].join('\n');
}

/** `teeio explore` as text: each arch's result, then the table when there are several. */
export function exploreText(report: ExploreReport, o: TextOptions): string {
  const parts = report.results.map((r) => resultText(r, o));
  if (report.archs.length > 1) parts.push(reachText(report, o));
  return `${parts.join('\n\n')}\n`;
}
