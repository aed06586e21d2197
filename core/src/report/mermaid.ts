import type { Violation } from '../invariants/checker.js';
import type { RunReport } from '../scenario/run.js';
import type { Actor } from '../trace/actor.js';
import type { TraceEntry } from '../trace/tracer.js';
import { wrap } from '../util/wrap.js';
import { type TraceBlock, foldRelays } from './repeats.js';

/**
 * The participants in the order the diagram draws them (the guest, its host's VMM and kernel
 * subsystems, the firmware, the device): each actor's id and label; the firmware's label is the
 * plugin's firmware name.
 */
const PARTICIPANTS: readonly (readonly [Actor, string, string?])[] = [
  ['guest', 'guest'],
  ['vmm', 'VMM'],
  ['kvm', 'KVM'],
  ['vfio', 'VFIO'],
  ['iommufd', 'iommufd'],
  ['pci', 'PCI'],
  ['tsm', 'TSM', 'TSM core'],
  ['firmware', 'FW'],
  ['device', 'DEV', 'device'],
];
const PARTICIPANT = Object.fromEntries(PARTICIPANTS.map(([actor, id]) => [actor, id])) as Readonly<Record<Actor, string>>;

/** Columns of a message or note line before it wraps: wider text overflows the diagram's boxes. */
const MESSAGE_WIDTH = 48;
/** A violation's note spans every participant, so it may be wider. */
const SPANNING_WIDTH = 80;
/** The highlight of what stopped a run: a fatal firmware error or a broken invariant. */
const ALARM = 'rect rgb(255, 221, 221)';

/**
 * Text Mermaid reads as text: `;` and `#` are syntax (a statement's end, an entity), `<` and `>`
 * would be HTML, so each becomes its entity; lines wrap at `width` and join with `<br/>`.
 */
function text(s: string, width = MESSAGE_WIDTH): string {
  const escaped = (line: string) => line.replace(/[#;<>]/g, (c) => `#${({ '#': 35, ';': 59, '<': 'lt', '>': 'gt' } as const)[c as '#']};`);
  return wrap(s, width).map(escaped).join('<br/>');
}

const indent = (lines: readonly string[]) => lines.map((l) => `  ${l}`);

function label(e: TraceEntry): string {
  const args = Object.entries(e.args ?? {}).map(([k, v]) => ` ${k}=${v}`);
  return `${e.op}${args.join('')}${e.result === 'ok' ? '' : ` → ${e.result}`}`;
}

/**
 * One entry is one message, from who asked to who acted (to itself when nobody asked), so that
 * `autonumber` counts exactly as the trace's sequence numbers do; notes are not numbered.
 */
function entryLines(e: TraceEntry): string[] {
  const to = PARTICIPANT[e.actor];
  const lines = [`${PARTICIPANT[e.caller ?? e.actor]}->>${to}: ${text(label(e))}`];
  if (e.note && e.result !== 'skipped') lines.push(`Note right of ${to}: ${text(e.note)}`);
  if (!e.fatal) return lines;
  return [ALARM, ...indent([...lines, `Note over ${to}: ${text(`fatal: ${e.result}, KVM_BUG_ON kills the VM`)}`]), 'end'];
}

/** A relay repeated in a row is a `loop` drawn once; numbering then resumes at the trace's next number. */
function blockLines(b: TraceBlock): string[] {
  const lines = b.entries.flatMap(entryLines);
  if (b.times === 1) return lines;
  const first = (b.entries[0] as TraceEntry).seq;
  const next = first + b.times * b.entries.length;
  return [`loop ×${b.times}, ${first}–${next - 1}`, ...indent(lines), 'end', `autonumber ${next}`];
}

function violationLines(v: Violation): string[] {
  return [ALARM, `  Note over guest,DEV: ${text(`invariant ${v.number} broken after ${v.step}: ${v.message}`, SPANNING_WIDTH)}`, 'end'];
}

/** The blocks' lines, each violation after the block holding the last entry before it was found. */
function body(r: RunReport): string[] {
  const pending = [...r.violations];
  const lines: string[] = [];
  for (const b of foldRelays(r.trace)) {
    lines.push(...blockLines(b));
    const last = (b.entries[0] as TraceEntry).seq + b.times * b.entries.length - 1;
    while (pending[0] && pending[0].traceLength <= last) lines.push(...violationLines(pending.shift() as Violation));
  }
  return [...lines, ...pending.flatMap(violationLines)];
}

/** The trace of one run as one Mermaid sequence diagram. */
export function toMermaid(r: RunReport): string {
  const participants = PARTICIPANTS.map(([actor, id, name]) => {
    const shown = actor === 'firmware' ? text(r.firmware, 24) : name;
    return shown === undefined ? `participant ${id}` : `participant ${id} as ${shown}`;
  });
  // The title as front matter (a JSON string is a YAML string): the `title` statement is the
  // older form, and the only one whose text Mermaid sanitizes through the browser's DOM.
  const title = ['---', `title: ${JSON.stringify(`${r.scenario} on ${r.arch}: ${r.outcome}`)}`, '---'];
  return `${[...title, 'sequenceDiagram', ...indent(['autonumber', ...participants, ...body(r)])].join('\n')}\n`;
}

/** Every run as Markdown: a heading per arch over its diagram in a fenced `mermaid` block (GitHub renders them). */
export function toMermaidMarkdown(scenario: string, reports: readonly RunReport[]): string {
  const sections = reports.map((r) => `## ${r.arch}\n\n\`\`\`mermaid\n${toMermaid(r)}\`\`\`\n`);
  return `# ${scenario}\n\n${sections.join('\n')}`;
}
