import Table from 'cli-table3';
import type { TranscriptEntry } from './transcript.js';

type Paint = { bold: (s: string) => string; red: (s: string) => string; dim: (s: string) => string };

/** Fields worth a line: the header is the same for every message of the transcript. */
const HEADER = new Set(['version', 'messageType', 'objectId', 'interfaceId', 'reserved']);

/** A value on one line: objects as key=value pairs, arrays by their length (the bytes show them). */
function compact(v: unknown): string {
  if (Array.isArray(v)) return `[${v.length} entries]`;
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${compact(x)}`).join(' ');
  return String(v);
}

function fields(json: Record<string, unknown>): string {
  return Object.entries(json)
    .filter(([k]) => !HEADER.has(k))
    .map(([k, v]) => `${k}: ${compact(v)}`)
    .join('\n');
}

/** Hex as dumps show it: 16 bytes to a line, bytes separated. */
function dump(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) lines.push(bytes.slice(i, i + 16).join(' '));
  return lines.join('\n');
}

/** Each request and response, decoded on the left and as bytes on the right. */
export function transcriptTable(entries: readonly TranscriptEntry[], title: string, paint: Paint): string {
  const t = new Table({ head: ['#', '', 'message', 'bytes'].map(paint.bold), colWidths: [5, 3, 58, 50], wordWrap: true, style: { head: [], border: [] } });
  for (const e of entries) {
    const name = `${e.protocol} ${e.name}`;
    t.push([String(e.seq), e.direction === 'request' ? '→' : '←', `${e.unexpected ? paint.red(name) : paint.bold(name)}${e.json && Object.keys(e.json).length ? `\n${fields(e.json)}` : ''}`, paint.dim(dump(e.hex))]);
  }
  return `${paint.bold(title)}\n${t.toString()}\n`;
}
