/**
 * `teeio schema scenario`: a JSON Schema that a stock ajv compiles, that accepts every example
 * and rejects what the loader rejects, and that the repository's schema/scenario.json (the file
 * the examples' `$schema` names) equals, so the file cannot go stale.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
const example = (f: string) => JSON.parse(readFileSync(join(ROOT, 'examples', f), 'utf8')) as Record<string, unknown> & { steps: Record<string, unknown>[] };

async function printed(): Promise<string> {
  const r = await teeio(['schema', 'scenario'], ROOT);
  expect([r.code, r.err]).toEqual([0, '']);
  return r.out;
}

describe('teeio schema scenario', () => {
  it('prints a draft-07 schema that a stock ajv compiles in strict mode', async () => {
    const schema = JSON.parse(await printed()) as Record<string, unknown>;
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', $id: 'https://teeio.dev/schema/scenario.json', type: 'object' });
    expect(() => new Ajv({ strict: true, allErrors: true }).compile(schema)).not.toThrow();
  });

  describe('validates', async () => {
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(await printed()) as object);

    it.each(EXAMPLES)('accepts %s', (f) => {
      expect(validate(example(f)), JSON.stringify(validate.errors)).toBe(true);
    });

    it.each([
      ['an unknown top-level field', (s: ReturnType<typeof example>) => (s['extra'] = 1)],
      ['an unknown field in an action', (s: ReturnType<typeof example>) => (s.steps[0]!['extra'] = 1)],
      ['a bad BDF', (s: ReturnType<typeof example>) => (s.steps[1]!['tdi'] = '0000:01:00.9')],
      ['an unknown step', (s: ReturnType<typeof example>) => (s.steps[1] = { step: 'tsm.attach', tdi: '0000:01:00.1' })],
      ['a missing name', (s: ReturnType<typeof example>) => delete s['name']],
    ])('rejects %s', (_what, change) => {
      const s = example('lifecycle.json');
      change(s);
      expect(validate(s)).toBe(false);
    });
  });

  it('is what schema/scenario.json in the repository holds (regenerate it with `teeio schema scenario > schema/scenario.json`)', async () => {
    expect(readFileSync(join(ROOT, 'schema/scenario.json'), 'utf8')).toBe(await printed());
  });

  it('is the file every example names as its $schema', () => {
    for (const f of EXAMPLES) expect(example(f)['$schema'], f).toBe('../schema/scenario.json');
  });

  it('prints the plugin, config, compare, matrix and conformance schemas too, and refuses an unknown document (exit 2)', async () => {
    for (const doc of ['plugin', 'config', 'compare', 'matrix', 'conformance']) {
      const r = await teeio(['schema', doc], ROOT);
      expect(r.code).toBe(0);
      expect(() => new Ajv({ strict: false }).compile(JSON.parse(r.out) as object)).not.toThrow();
    }
    const bad = await teeio(['schema', 'scenarios'], ROOT);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("value 'scenarios' is invalid for argument 'document'. Allowed choices are scenario, plugin, config, compare, matrix, run, plugins, decode, transcript, validate, conformance, model, explore.");
  });
});
