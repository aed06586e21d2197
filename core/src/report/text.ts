import picocolors from 'picocolors';
import type { RunReport } from '../scenario/run.js';
import type { TraceEntry } from '../trace/tracer.js';

type Colors = ReturnType<typeof picocolors.createColors>;

function row(e: TraceEntry, pc: Colors): string {
  const who = `${e.caller ? `${e.caller} → ` : ''}${e.actor}`.padEnd(20);
  const args = Object.entries(e.args ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const result = e.result === 'ok' ? pc.green('ok') : e.result === 'skipped' ? pc.dim('skipped') : e.fatal ? pc.red(`${e.result} (fatal)`) : pc.yellow(e.result);
  const note = e.note ? pc.dim(`  — ${e.note}`) : '';
  return `${String(e.seq).padStart(4)}  ${who}${e.op}${args ? ` ${pc.dim(args)}` : ''}  ${result}${note}`;
}

/** A run as text: the trace, then violations, expectations and the outcome. */
export function toText(r: RunReport, pc: Colors = picocolors): string {
  const lines = [pc.bold(`${r.scenario} on ${r.arch} (${r.firmware}, ${r.plugin}), seed ${r.seed}`), ...r.trace.map((e) => row(e, pc)), ''];
  if (r.violations.length === 0) lines.push(`invariants: ${pc.green('no violation')}`);
  for (const v of r.violations) lines.push(pc.red(`invariant ${v.number} ${v.invariant} broken after ${v.step}: ${v.message}`));
  lines.push('expectations:');
  for (const x of r.expectations) lines.push(`  ${x.ok ? pc.green('✓') : pc.red('✗')} ${x.what}: ${x.ok ? x.actual : `expected ${x.expected}, got ${x.actual}`}`);
  lines.push(`outcome: ${r.outcome === 'pass' ? pc.green('pass') : pc.red('fail')}`, '');
  return lines.join('\n');
}
