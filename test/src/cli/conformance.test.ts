/**
 * `teeio conformance --plugin SPEC`: exit 0 when the plugin conforms, 1 when a check fails, 2
 * when the host refuses the plugin; `--format json` is one document its schema accepts, `tap` a
 * TAP 13 document with a point per check. The API reports a refused module as failed checks.
 */
import { type ConformanceReport, runConformance } from '@teeio/core';
import { Ajv } from 'ajv';
import { Parser, type FinalResults } from 'tap-parser';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../reference-plugin/index.ts', import.meta.url));
const CHECK_IDS = ['declaration', 'ports', 'plans', 'examples', 'arch-examples', 'wrong-orders', 'fail-nth', 'snapshot', 'determinism'];

function parseTap(text: string): Promise<FinalResults> {
  return new Promise((resolve) => {
    const p = new Parser();
    p.on('complete', resolve);
    p.end(text);
  });
}

describe('teeio conformance', () => {
  it('passes the reference plugin: exit 0, one JSON document that `teeio schema conformance` accepts', async () => {
    const r = await teeio(['conformance', '--plugin', REFERENCE, '--format', 'json'], FIXTURES);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as ConformanceReport;
    const validate = new Ajv({ strict: true }).compile(JSON.parse((await teeio(['schema', 'conformance'])).out) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.checks.map((c) => [c.id, c.outcome])).toEqual(CHECK_IDS.map((id) => [id, 'pass']));
    expect(report).toMatchObject({ arch: 'devsec', firmware: 'devsec TSM', outcome: 'pass' });
  }, 60_000);

  it('fails a plugin whose ports do nothing (every method answers OK): exit 1, each failed check named within 100 columns', async () => {
    const r = await teeio(['conformance', '--plugin', './valid.js'], FIXTURES);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^pass declaration: /m);
    expect(r.out).toMatch(/^FAIL plans: /m);
    expect(r.out).toContain('flow vmDestroy must run tsm.stop then tsm.unbind then vm.destroy');
    expect(r.out).toMatch(/^FAIL examples: [^\n]*\n\s+flr-bound-pci-blocks\.json: plugin fixture-valid failed at \/vms: /m);
    for (const line of r.out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  }, 60_000);

  it('refuses a plugin the host refuses: exit 2, one stderr line, nothing on stdout', async () => {
    const r = await teeio(['conformance', '--plugin', './invalid-declaration.js', '--format', 'json'], FIXTURES);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.errLines).toEqual([expect.stringMatching(/^teeio: plugin \.\/invalid-declaration\.js: declaration \//)]);
  });

  it('needs --plugin (exit 2)', async () => {
    const r = await teeio(['conformance']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([expect.stringContaining("required option '--plugin <spec>'")]);
  });

  it('prints TAP 13 with one passing point per check', async () => {
    const r = await teeio(['conformance', '--plugin', REFERENCE, '--format', 'tap'], FIXTURES);
    expect(r.code).toBe(0);
    const tap = await parseTap(r.out);
    expect([tap.count, tap.pass, tap.fail]).toEqual([CHECK_IDS.length, CHECK_IDS.length, 0]);
  }, 60_000);
});

describe('runConformance', () => {
  it('reports a module with no declaration as refused: the declaration check fails, the others are not run', async () => {
    const r = await runConformance({ register: () => undefined }, { name: 'bare' });
    expect(r).toMatchObject({ plugin: 'bare', outcome: 'fail', refused: { reason: 'no-declaration' } });
    expect(r.checks[0]).toMatchObject({ id: 'declaration', outcome: 'fail', detail: expect.stringMatching(/^no-declaration: /) });
    expect(r.checks.slice(1).every((c) => c.outcome === 'fail' && c.detail.startsWith('not run'))).toBe(true);
  });

  it('runs only the checks asked for, and rejects an unknown one', async () => {
    const r = await runConformance(`${FIXTURES}valid.js`, { only: ['declaration', 'plans'] });
    expect(r.checks.map((c) => [c.id, c.outcome])).toEqual([
      ['declaration', 'pass'],
      ['plans', 'fail'],
    ]);
    await expect(runConformance(`${FIXTURES}valid.js`, { only: ['nope'] })).rejects.toThrow(/no conformance check nope/);
  });
});
