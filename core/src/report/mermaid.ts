import type { RunReport } from '../scenario/run.js';
import type { Actor } from '../trace/actor.js';
import type { TraceEntry } from '../trace/tracer.js';

/** Mermaid participant ids per actor; the VMM has none: its ioctls are notes on the subsystem. */
const PARTICIPANT: Partial<Record<Actor, string>> = {
  guest: 'guest',
  kvm: 'KVM',
  vfio: 'VFIO',
  iommufd: 'iommufd',
  pci: 'PCI',
  tsm: 'TSM',
  firmware: 'FW',
  device: 'DEV',
};

/** Mermaid reads `;` and `#` as syntax in message text. */
const text = (s: string) => s.replace(/[;#]/g, ',');

function args(e: TraceEntry): string {
  const a = Object.entries(e.args ?? {}).map(([k, v]) => `${k}=${v}`);
  return a.length ? `(${a.join(', ')})` : '';
}

function line(e: TraceEntry): string[] {
  const to = PARTICIPANT[e.actor];
  const from = e.caller ? PARTICIPANT[e.caller] : undefined;
  const result = e.result === 'ok' ? '' : ` → ${e.result}`;
  const out: string[] = [];
  if (e.actor === 'device' && from === 'FW') out.push(`  FW->>DEV: ${text(e.op)}`, `  DEV-->>FW: ${text(e.result)}`);
  else if (e.actor === 'firmware' && from) out.push(`  ${from}->>FW: ${text(`${e.op}${args(e)}${result}`)}`);
  else if (from && to && from !== to) out.push(`  ${from}->>${to}: ${text(`${e.op}${result}`)}`);
  else out.push(`  Note over ${to ?? 'KVM'}: ${text(`${e.actor === 'vmm' ? 'VMM: ' : ''}${e.op}${result}`)}`);
  if (e.fatal) out.push(`  Note over KVM: ${text(`fatal: ${e.result} (KVM_BUG_ON kills the VM)`)}`);
  if (e.note) out.push(`  Note right of ${to ?? 'KVM'}: ${text(e.note)}`);
  return out;
}

/** The trace as a Mermaid sequence diagram. */
export function toMermaid(r: RunReport): string {
  const head = [
    'sequenceDiagram',
    `  title ${text(`${r.scenario} on ${r.arch}: ${r.outcome}`)}`,
    '  participant guest',
    '  participant KVM',
    '  participant VFIO',
    '  participant iommufd',
    '  participant PCI',
    '  participant TSM as TSM core',
    `  participant FW as ${text(r.firmware)}`,
    '  participant DEV as device',
  ];
  const violations = r.violations.map((v) => `  Note over guest,DEV: ${text(`invariant ${v.number} broken after ${v.step}: ${v.message}`)}`);
  return [...head, ...r.trace.flatMap(line), ...violations].join('\n') + '\n';
}
