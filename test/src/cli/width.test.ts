/**
 * Text output fits the terminal (100 columns when stdout is not one) and loses nothing: `teeio
 * run` on every example and built-in arch, and `teeio tdisp transcript`, at 100 columns and at
 * a narrower 72. Notes fold under their line, a skipped step prints no note, a relay repeated
 * in a row prints once with "×N"; the transcript's cells wrap inside themselves.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunReport, TraceEntry } from '@teeio/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json'));
const WIDTHS = [100, 72];

/** Columns a line takes: code points (the box drawing, arrows and dashes are one column each). */
const columnsOf = (line: string) => [...line].length;
/** Text with every run of white space as one space: wrapped lines joined back. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

function fits(text: string, width: number): void {
  for (const line of text.split('\n')) expect(columnsOf(line), line).toBeLessThanOrEqual(width);
  expect(text).not.toContain('\x1b');
}

/** The text run of each arch, in the order `--format json` lists the reports. */
function perArch(text: string, reports: readonly RunReport[]): string[] {
  const starts = reports.map((r) => text.indexOf(`${r.scenario} on ${r.arch} (`));
  return starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length));
}

/** A trace entry's lines in the text: from the line its number opens to the next numbered line. */
function linesOf(text: string, seq: number): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${String(seq).padStart(4)}  `));
  if (at < 0) return [];
  const next = lines.findIndex((l, i) => i > at && /^ *\d+ {2}/.test(l));
  return lines.slice(at, next < 0 ? undefined : next);
}

/** The ranges the text says it folded, `×N in a row: a–b`. */
const folded = (text: string) => [...text.matchAll(/×(\d+) in a row: (\d+)–(\d+)/g)].map((m) => ({ times: Number(m[1]), from: Number(m[2]), to: Number(m[3]) }));

/** Every entry is printed (its number opening a line with its op and arguments) or inside a folded range. */
function nothingLost(text: string, trace: readonly TraceEntry[]): void {
  const ranges = folded(text);
  for (const e of trace) {
    const lines = linesOf(text, e.seq);
    if (lines.length === 0) {
      expect(ranges.some((r) => e.seq > r.from && e.seq <= r.to), `entry ${e.seq} ${e.op} is neither printed nor folded`).toBe(true);
      continue;
    }
    const shown = flat(lines.join(' '));
    for (const part of [e.op, ...Object.entries(e.args ?? {}).map(([k, v]) => `${k}=${v}`)]) expect(shown).toContain(flat(part));
    if (e.note && e.result !== 'skipped') expect(shown).toContain(flat(e.note));
    if (e.result === 'skipped') expect(shown, `skipped entry ${e.seq} prints a note`).not.toContain('—');
  }
}

// The first run loads every built-in plugin (and, under vitest, transforms their sources).
beforeAll(() => teeio(['run', 'examples/lifecycle.json', '--format', 'json'], ROOT), 120_000);

/** Each example's reports, read once for both widths. */
const REPORTS = new Map<string, Promise<RunReport[]>>();
function reportsOf(example: string): Promise<RunReport[]> {
  const run = async () => (JSON.parse((await teeio(['run', `examples/${example}`, '--format', 'json'], ROOT)).out) as { reports: RunReport[] }).reports;
  if (!REPORTS.has(example)) REPORTS.set(example, run());
  return REPORTS.get(example) as Promise<RunReport[]>;
}

describe.each(WIDTHS)('teeio run at %i columns', (width) => {
  it.each(EXAMPLES)('%s on every built-in arch fits and loses nothing', async (example) => {
    const reports = await reportsOf(example);
    const text = (await teeio(['run', `examples/${example}`], ROOT, { columns: width })).out;
    fits(text, width);
    expect(reports.map((r) => r.arch)).toEqual(['tdx', 'sev-tio', 'cca']);
    perArch(text, reports).forEach((part, i) => nothingLost(part, (reports[i] as RunReport).trace));
  });
});

describe('a relay repeated in a row prints once', () => {
  it.each(['sev-tio', 'cca'])('%s: the six IDE_KM KEY_PROGs of connect are one line and ×6', async (arch) => {
    const { reports } = JSON.parse((await teeio(['run', '--arch', arch, 'examples/lifecycle.json', '--format', 'json'], ROOT)).out) as { reports: RunReport[] };
    const keyProgs = (reports[0] as RunReport).trace.filter((e) => e.actor === 'device' && e.op === 'KEY_PROG');
    // Three sub-streams (PR, NPR, CPL) in two directions: six keys, each relayed as one exchange.
    expect(keyProgs).toHaveLength(6);
    const text = (await teeio(['run', '--arch', arch, 'examples/lifecycle.json'], ROOT)).out;
    expect(text.match(/ KEY_PROG /g)).toHaveLength(1);
    const range = folded(text).find((r) => r.from <= (keyProgs[0] as TraceEntry).seq && (keyProgs[5] as TraceEntry).seq <= r.to);
    expect(range?.times).toBe(6);
  });
});

const HEADER = ['version', 'messageType', 'objectId', 'interfaceId', 'reserved'];

interface TranscriptJson {
  readonly entries: readonly { readonly seq: number; readonly hex: string; readonly json?: Record<string, unknown> }[];
}

/** The transcript table's rows, each cell's lines joined: a row opens where the `#` cell holds a number. */
function rowsOf(table: string): { message: string; bytes: string }[] {
  const rows: { message: string; bytes: string }[] = [];
  for (const line of table.split('\n').filter((l) => l.startsWith('│'))) {
    const [, seq = '', , message = '', bytes = ''] = line.split('│').map((c) => c.trim());
    if (/^\d+$/.test(seq)) rows.push({ message: '', bytes: '' });
    const row = rows.at(-1);
    if (row) [row.message, row.bytes] = [`${row.message} ${message}`, `${row.bytes} ${bytes}`];
  }
  return rows;
}

describe.each(WIDTHS)('teeio tdisp transcript at %i columns', (width) => {
  it('fits; every byte and every field value is in its row once the wrapped cells are joined', async () => {
    const { entries } = JSON.parse((await teeio(['tdisp', 'transcript', '--format', 'json'])).out) as TranscriptJson;
    const text = (await teeio(['tdisp', 'transcript'], ROOT, { columns: width })).out;
    fits(text, width);
    const rows = rowsOf(text);
    expect(rows).toHaveLength(entries.length);
    entries.forEach((e, i) => {
      const row = rows[i] as { message: string; bytes: string };
      expect(row.bytes.replace(/\s/g, '')).toBe(e.hex);
      // Long values (a key, a digest) wrap inside the cell: joined without the breaks, each is
      // whole. The message header (version, type, interface) is the row's name, not a field.
      const message = row.message.replace(/\s/g, '');
      for (const [k, v] of Object.entries(e.json ?? {})) if (typeof v === 'string' && !HEADER.includes(k)) expect(message).toContain(v.replace(/\s/g, ''));
    });
  });
});
