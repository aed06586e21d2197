/**
 * `teeio run --format mermaid` on the built-in archs, checked against Mermaid's own grammar:
 * the `mermaid` package's sequence-diagram parser, run headless in Node (no browser, nothing
 * rendered). One Markdown document with a heading and one fenced diagram per arch, or with
 * `--out DIR` a `<scenario>.<arch>.mmd` file per arch, written whole. Readable: numbers equal to
 * the text trace's, relays as loops, the VMM a participant, what stopped a run in a `rect`.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '@teeio/core';
import mermaid from 'mermaid';
import { beforeAll, describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json'));
const ARCHS = ['tdx', 'sev-tio', 'cca'];

/** The fenced mermaid blocks under each `## arch` heading. */
function sections(markdown: string): { arch: string; diagrams: string[] }[] {
  return markdown
    .split(/^## /m)
    .slice(1)
    .map((s) => ({ arch: s.split('\n', 1)[0] as string, diagrams: [...s.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string) }));
}

/** Mermaid's verdict: resolves for a valid diagram, rejects with its parse error. */
const parse = (diagram: string) => mermaid.parse(diagram);

/** Message text as read: lines joined, Mermaid's entities (`#59;`, `#lt;`) as their characters. */
const ENTITIES: Record<string, string> = { '35': '#', '59': ';', lt: '<', gt: '>' };
const unescape = (text: string) => text.replaceAll('<br/>', ' ').replace(/#(35|59|lt|gt);/g, (_, e: string) => ENTITIES[e] as string);

/** Each numbered message's number, as `autonumber` (and `autonumber N` after a loop) assigns them, with its text. */
function numbered(diagram: string): { n: number; text: string }[] {
  let n = 0;
  const out: { n: number; text: string }[] = [];
  for (const line of diagram.split('\n').map((l) => l.trim())) {
    const restart = /^autonumber(?: (\d+))?$/.exec(line);
    if (restart) n = Number(restart[1] ?? 1);
    const message = /^\S+?->>\S+?: (.*)$/.exec(line);
    if (message) out.push({ n: n++, text: unescape(message[1] as string) });
  }
  return out;
}

interface Run {
  readonly reports: readonly RunReport[];
  readonly markdown: string;
}
const RUNS = new Map<string, Run>();

beforeAll(async () => {
  for (const example of EXAMPLES) {
    const json = await teeio(['run', `examples/${example}`, '--format', 'json'], ROOT);
    const markdown = (await teeio(['run', `examples/${example}`, '--format', 'mermaid'], ROOT)).out;
    RUNS.set(example, { reports: (JSON.parse(json.out) as { reports: RunReport[] }).reports, markdown });
  }
}, 300_000);

const run = (example: string) => RUNS.get(example) as Run;

describe('teeio run --format mermaid on stdout', () => {
  it('the grammar check rejects a broken document: two diagrams back to back', async () => {
    const [first] = sections(run('lifecycle.json').markdown)[0]?.diagrams ?? [];
    await expect(parse(first as string)).resolves.toMatchObject({ diagramType: 'sequence' });
    await expect(parse(`${first}${first}`)).rejects.toThrow(/Parse error/);
  });

  it.each(EXAMPLES)('%s: a heading and one valid diagram per arch', async (example) => {
    const found = sections(run(example).markdown);
    expect(found.map((s) => s.arch)).toEqual(ARCHS);
    for (const s of found) {
      expect(s.diagrams).toHaveLength(1);
      await expect(parse(s.diagrams[0] as string), s.arch).resolves.toMatchObject({ diagramType: 'sequence' });
    }
  }, 60_000);

  it.each(EXAMPLES)('%s: every message carries its trace entry\'s number; notes wrap within 80 columns', (example) => {
    const { reports, markdown } = run(example);
    sections(markdown).forEach((s, a) => {
      const trace = (reports[a] as RunReport).trace;
      const messages = numbered(s.diagrams[0] as string);
      for (const m of messages) expect(m.text.startsWith(trace[m.n - 1]?.op ?? '\0'), `${s.arch} #${m.n}: ${m.text}`).toBe(true);
      // Folded relays aside, every entry is a message of its own.
      expect(messages.length).toBeLessThanOrEqual(trace.length);
      // Message and note text wraps (`<br/>`) so that no line of a box is wider than 80 columns.
      for (const line of (s.diagrams[0] as string).split('\n').filter((l) => /(->>|Note).*: /.test(l))) {
        for (const part of line.slice(line.indexOf(': ') + 2).split('<br/>')) expect([...unescape(part)].length, line).toBeLessThanOrEqual(80);
      }
    });
  });

  it('a relay repeated in a row is a loop, and numbering resumes at the trace\'s next number', () => {
    const [cca] = sections(run('lifecycle.json').markdown).filter((s) => s.arch === 'cca');
    const diagram = cca?.diagrams[0] as string;
    const loop = /^ {2}loop ×(\d+), (\d+)–(\d+)\n((?: {4}.*\n)+) {2}end\n {2}autonumber (\d+)$/m.exec(diagram);
    expect(loop).not.toBeNull();
    const [, times, from, to, body, next] = loop as unknown as string[];
    const size = (body as string).trimEnd().split('\n').length;
    expect(Number(to) - Number(from) + 1).toBe(Number(times) * size);
    expect(Number(next)).toBe(Number(to) + 1);
  });

  it('the VMM is a participant that sends its ioctls, not a note over KVM', () => {
    for (const s of sections(run('lifecycle.json').markdown)) {
      const d = s.diagrams[0] as string;
      expect(d).toMatch(/^ {2}participant VMM$/m);
      expect(d).toMatch(/^ {2}VMM->>KVM: vm\.create/m);
      expect(d).not.toMatch(/Note over KVM: VMM/);
    }
  });

  it('a broken invariant and a fatal firmware error are highlighted with rect', () => {
    const reports = [...RUNS.values()].flatMap((r) => r.reports.map((report, a) => ({ report, diagram: sections(r.markdown)[a]?.diagrams[0] as string })));
    const violated = reports.filter(({ report }) => report.violations.length > 0);
    const fatal = reports.filter(({ report }) => report.trace.some((e) => e.fatal));
    expect(violated.length).toBeGreaterThan(0);
    expect(fatal.length).toBeGreaterThan(0);
    for (const { report, diagram } of violated) expect(diagram).toMatch(new RegExp(`rect rgb\\(255, 221, 221\\)\\n +Note over guest,DEV: invariant ${report.violations[0]?.number} broken`));
    for (const { diagram } of fatal) expect(diagram).toMatch(/rect rgb\(255, 221, 221\)\n(?: +.*\n)+? +Note over \S+: fatal: /);
  });
});

describe('teeio run --format mermaid --out DIR', () => {
  it('writes <scenario>.<arch>.mmd per arch, each a valid diagram, lists them, leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teeio-mmd-'));
    const r = await teeio(['run', 'examples/lifecycle.json', '--format', 'mermaid', '--out', dir], ROOT);
    expect([r.code, r.err]).toEqual([0, '']);
    const names = ARCHS.map((a) => `lifecycle.${a}.mmd`);
    expect(readdirSync(dir).sort()).toEqual([...names].sort());
    expect(r.out).toBe(names.map((n) => `${join(dir, n)}\n`).join(''));
    for (const n of names) await expect(parse(readFileSync(join(dir, n), 'utf8'))).resolves.toMatchObject({ diagramType: 'sequence' });
  });

  it.each([
    ['a missing directory', (d: string) => join(d, 'none'), /^teeio: --out: cannot write to .*none: ENOENT$/],
    ['a file', (d: string) => (writeFileSync(join(d, 'file'), ''), join(d, 'file')), /^teeio: --out: .*file is not a directory$/],
  ])('refuses %s with one line and exit 2, before running anything', async (_, dirOf, line) => {
    const r = await teeio(['run', 'examples/lifecycle.json', '--format', 'mermaid', '--out', dirOf(mkdtempSync(join(tmpdir(), 'teeio-mmd-')))], ROOT);
    expect([r.code, r.out, r.errLines.length]).toEqual([2, '', 1]);
    expect(r.errLines[0]).toMatch(line);
  });

  it('refuses --out with another format', async () => {
    const r = await teeio(['run', 'examples/lifecycle.json', '--format', 'json', '--out', tmpdir()], ROOT);
    expect([r.code, r.errLines]).toEqual([2, ['teeio: --out: only --format mermaid writes files (got --format json)']]);
  });

  it('a file it cannot write is one line, exit 2, and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teeio-mmd-'));
    mkdirSync(join(dir, 'lifecycle.tdx.mmd'));
    const r = await teeio(['run', '--arch', 'tdx', 'examples/lifecycle.json', '--format', 'mermaid', '--out', dir], ROOT);
    expect([r.code, r.errLines.length]).toEqual([2, 1]);
    expect(r.errLines[0]).toMatch(/^teeio: --out: cannot write .*lifecycle\.tdx\.mmd: E[A-Z]+$/);
    expect(readdirSync(dir)).toEqual(['lifecycle.tdx.mmd']);
  });
});
