import type { Terminal } from '../compare/render/terminal.js';
import type { RunReport } from '../scenario/run.js';
import type { TraceEntry } from '../trace/tracer.js';
import { type Span, wrap, wrapSpans } from '../util/wrap.js';
import { type TraceBlock, foldRelays } from './repeats.js';

type Colors = Terminal['colors'];

/** Columns of the sequence number and of who acted, before what was done. */
const SEQ = 4;
const WHO = 20;
/** Where what was done starts, and every line folded under it. */
const HANG = ' '.repeat(SEQ + 2 + WHO);

function resultSpan(e: TraceEntry, pc: Colors): Span {
  if (e.result === 'ok') return { text: 'ok', paint: pc.green };
  if (e.result === 'skipped') return { text: 'skipped', paint: pc.dim };
  return e.fatal ? { text: `${e.result} (fatal)`, paint: pc.red } : { text: e.result, paint: pc.yellow };
}

/**
 * One entry: what was done, its arguments and result wrapped under its own column, then its note
 * folded under it. A skipped step did nothing, so the note on why its order matters is noise.
 */
function entryLines(e: TraceEntry, t: Terminal): string[] {
  const pc = t.colors;
  const who = `${e.caller ? `${e.caller} → ` : ''}${e.actor}`;
  const args = Object.entries(e.args ?? {}).map(([k, v]) => ({ text: `${k}=${v}`, paint: pc.dim }));
  const first = `${String(e.seq).padStart(SEQ)}  ${who.padEnd(WHO - 1)} `;
  const lines = wrapSpans([{ text: e.op }, ...args, resultSpan(e, pc)], t.width, first, HANG);
  if (e.note && e.result !== 'skipped') lines.push(...wrapSpans([{ text: `— ${e.note}`, paint: pc.dim }], t.width, HANG, HANG));
  return lines;
}

/** A block: its entries once, and under a relay repeated in a row, how often and which numbers. */
function blockLines(b: TraceBlock, t: Terminal): string[] {
  const lines = b.entries.flatMap((e) => entryLines(e, t));
  if (b.times === 1) return lines;
  const first = b.entries[0] as TraceEntry;
  const last = first.seq + b.times * b.entries.length - 1;
  return [...lines, t.colors.cyan(`${HANG}×${b.times} in a row: ${first.seq}–${last}`)];
}

/** A run as text within the terminal's width: the trace, then violations, expectations and the outcome. */
export function toText(r: RunReport, t: Terminal): string {
  const pc = t.colors;
  const fit = (text: string, paint: (s: string) => string = (s) => s) => wrap(text, t.width).map(paint);
  const lines = [...fit(`${r.scenario} on ${r.arch} (${r.firmware}, ${r.plugin}), seed ${r.seed}`, pc.bold), ...foldRelays(r.trace).flatMap((b) => blockLines(b, t)), ''];
  if (r.violations.length === 0) lines.push(`invariants: ${pc.green('no violation')}`);
  for (const v of r.violations) lines.push(...fit(`invariant ${v.number} ${v.invariant} broken after ${v.step}: ${v.message}`, pc.red));
  lines.push('expectations:');
  for (const x of r.expectations) {
    const [head = '', ...rest] = wrapSpans([{ text: `${x.what}: ${x.ok ? x.actual : `expected ${x.expected}, got ${x.actual}`}` }], t.width, '  ✓ ', '    ');
    lines.push(head.replace('✓', x.ok ? pc.green('✓') : pc.red('✗')), ...rest);
  }
  lines.push(`outcome: ${r.outcome === 'pass' ? pc.green('pass') : pc.red('fail')}`, '');
  return lines.join('\n');
}
