import Table from 'cli-table3';
import { wrap, wrapSpans } from '../util/wrap.js';
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

function fields(json: Record<string, unknown>): string[] {
  return Object.entries(json)
    .filter(([k]) => !HEADER.has(k))
    .map(([k, v]) => `${k}: ${compact(v)}`);
}

/** Hex as dumps show it: `perLine` bytes to a line, bytes separated. */
function dump(hex: string, perLine: number): string[] {
  const bytes = hex.match(/../g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += perLine) lines.push(bytes.slice(i, i + perLine).join(' '));
  return lines;
}

/** cli-table3 draws a border before every column and after the last, and pads each cell by one column each side. */
const BORDERS = 5;
const PAD = 2;
/** The message column is never narrower than this; the bytes column gives way first. */
const MESSAGE_MIN = 30;

/** Column widths (padding included) for `width`: as many bytes to a dump line as leave the message its room, 16, 8 or 4. */
function columns(entries: readonly TranscriptEntry[], width: number) {
  const seq = String(entries.length).length + PAD;
  const direction = 1 + PAD;
  const rest = width - BORDERS - seq - direction;
  const perLine = [16, 8, 4].find((n) => rest - (3 * n - 1 + PAD) >= MESSAGE_MIN) ?? 4;
  const bytes = 3 * perLine - 1 + PAD;
  return { seq, direction, message: rest - bytes, bytes, perLine };
}

/**
 * Each request and response, decoded on the left and as bytes on the right, within `width`
 * columns: the dump is as wide as fits, and every line of a cell wraps inside its cell (a key
 * or a digest wider than the column continues on the next line, never cut).
 */
export function transcriptTable(entries: readonly TranscriptEntry[], title: string, paint: Paint, width: number): string {
  const c = columns(entries, width);
  const t = new Table({ head: ['#', '', 'message', 'bytes'].map(paint.bold), colWidths: [c.seq, c.direction, c.message, c.bytes], style: { head: [], border: [] } });
  // A field's continuation lines are indented, so they do not read as fields of their own.
  const inCell = (lines: readonly string[]) => lines.flatMap((l) => wrapSpans([{ text: l }], c.message - PAD, '', '  '));
  for (const e of entries) {
    const [name = '', ...more] = inCell([`${e.protocol} ${e.name}`]);
    const message = [e.unexpected ? paint.red(name) : paint.bold(name), ...more, ...inCell(e.json ? fields(e.json) : [])];
    t.push([String(e.seq), e.direction === 'request' ? '→' : '←', message.join('\n'), paint.dim(dump(e.hex, c.perLine).join('\n'))]);
  }
  return `${wrap(title, width).map(paint.bold).join('\n')}\n${t.toString()}\n`;
}
