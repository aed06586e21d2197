/**
 * `teeio schema model`: a draft-07 schema a stock ajv compiles, kept in the repository as
 * schema/model.json (what the example models name as `$schema`), and every example model loads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../core/src/explore/load-model.js';
import { teeio } from '../cli/in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODELS = readdirSync(join(ROOT, 'examples/models')).filter((f) => f.endsWith('.json'));

describe('teeio schema model', () => {
  it('prints a schema a stock ajv compiles strictly, which schema/model.json holds (regenerate with `teeio schema model > schema/model.json`)', async () => {
    const r = await teeio(['schema', 'model'], ROOT);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(() => new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(r.out) as object)).not.toThrow();
    expect(readFileSync(join(ROOT, 'schema/model.json'), 'utf8')).toBe(r.out);
  });

  it.each(MODELS)('examples/models/%s loads and names schema/model.json', (f) => {
    const path = join(ROOT, 'examples/models', f);
    expect(() => loadModel(path)).not.toThrow();
    expect((JSON.parse(readFileSync(path, 'utf8')) as { $schema: string }).$schema).toBe('../../schema/model.json');
  });

  it('prints the schema of the result too', async () => {
    const r = await teeio(['schema', 'explore'], ROOT);
    expect(JSON.parse(r.out)).toMatchObject({ $id: 'https://teeio.dev/schema/explore.json', required: ['model', 'archs', 'results', 'reach'] });
  });
});
