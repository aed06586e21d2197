/**
 * `teeio compare`, `teeio matrix` and `teeio overview` (npm start) on the built-in archs: one
 * JSON document of the printed schema, text within 100 columns without colour under NO_COLOR,
 * a self-contained HTML file whose SVG diagrams are well-formed and hold every step and arch,
 * and a matrix question without an answer as exit 1 with one line.
 */
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Comparison } from '@teeio/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LIFECYCLE = 'examples/lifecycle.json';

const fitsAndPlain = (text: string): void => {
  for (const line of text.split('\n')) expect(Buffer.byteLength(line), line).toBeLessThanOrEqual(100);
  expect(text).not.toContain(String.fromCharCode(27));
};

let json: Comparison;
beforeAll(async () => {
  json = JSON.parse((await teeio(['compare', LIFECYCLE, '--format', 'json'], ROOT)).out) as Comparison;
});

describe('teeio compare', () => {
  it('prints one JSON document valid against teeio schema compare', async () => {
    const schema = JSON.parse((await teeio(['schema', 'compare'], ROOT)).out) as object;
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.archs).toEqual(['tdx', 'sev-tio', 'cca']);
  });

  it('text: a column per arch within 100 columns, verdicts last, exit 0 when every arch passes', async () => {
    const r = await teeio(['compare', LIFECYCLE], ROOT);
    expect(r.code).toBe(0);
    fitsAndPlain(r.out);
    expect(r.out).toMatch(/^ {2}tdx +sev-tio +cca$/m);
    expect(r.out.trimEnd().split('\n').slice(-4)).toEqual(['verdicts', '  tdx: pass', '  sev-tio: pass', '  cca: pass']);
    expect(r.out).toMatch(/^\* tsm\.stop/m);
  });

  it('markdown: a GitHub table per flow with a column per arch', async () => {
    const r = await teeio(['compare', LIFECYCLE, '--format', 'markdown'], ROOT);
    expect(r.out).toContain('| step | tdx | sev-tio | cca |');
    expect(r.out).toContain('## flow `unbind`');
  });

  it('html: self-contained, one well-formed SVG per arch holding every aligned step, differing rows highlighted', async () => {
    const html = (await teeio(['compare', LIFECYCLE, '--format', 'html'], ROOT)).out;
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(3);
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'g' });
    const steps = json.flows.flatMap((f) => f.steps);
    svgs.forEach((svg, a) => {
      expect(XMLValidator.validate(svg)).toBe(true);
      const doc = parser.parse(svg) as { svg: { 'data-arch': string; g: { 'data-step': string; class: string }[] } };
      expect(doc.svg['data-arch']).toBe(json.archs[a]);
      expect(doc.svg.g.map((g) => g['data-step'])).toEqual(steps.map((s) => s.step));
      expect(doc.svg.g.map((g) => g.class.includes('diff'))).toEqual(steps.map((s) => !s.same));
    });
  });

  it('a bad scenario is exit 2 with one line naming the file', async () => {
    const r = await teeio(['compare', 'examples/none.json'], ROOT);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toContain('examples/none.json');
  });
});

describe('teeio matrix and overview', () => {
  it('matrix text fits 100 columns; each cell names its example', async () => {
    const r = await teeio(['matrix'], ROOT);
    expect(r.code).toBe(0);
    fitsAndPlain(r.out);
    expect(r.out).toContain('<- lifecycle');
  });

  it('a question no example answers is exit 1 with one line naming the row and the arch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teeio-matrix-'));
    copyFileSync(join(ROOT, LIFECYCLE), join(dir, 'lifecycle.json'));
    const r = await teeio(['matrix', '--examples', dir], ROOT);
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual(['teeio: matrix row hypervisor-access-private-mmio has no answer for tdx: no example\'s run shows it']);
  });

  it('overview (npm start): the comparison, then the matrix, then where to go next, within 100 columns', async () => {
    const r = await teeio(['overview'], ROOT);
    expect(r.code).toBe(0);
    fitsAndPlain(r.out);
    const at = (s: string): number => r.out.indexOf(s);
    expect(at('verdicts')).toBeGreaterThan(0);
    expect(at('behaviour matrix')).toBeGreaterThan(at('verdicts'));
    expect(at('teeio compare examples/lifecycle.json --format html')).toBeGreaterThan(at('behaviour matrix'));
    expect(r.out).toContain('teeio tdisp transcript');
  });
});
