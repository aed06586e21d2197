/**
 * `teeio schema model`: a draft-07 schema a stock ajv compiles, kept in the repository as
 * schema/model.json (what the example models name as `$schema`), and every example model loads;
 * the canonical model is what issue 14 names: every device, host and guest event, every flow.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { choicesOf } from '../../../core/src/explore/choices.js';
import { loadModel } from '../../../core/src/explore/load-model.js';
import { FLOW_NAMES } from '../../../core/src/lifecycle/vocabulary.js';
import { DEVICE_EVENTS, HOST_EVENTS } from '../../../core/src/scenario/scenario.js';
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

  it('the canonical model: two TDIs in one VM, every device event on each, every host event, guest-crash and use, every flow, one fault', () => {
    const m = loadModel(join(ROOT, 'examples/models/canonical.json'));
    const actions = [...(m.init ?? []), ...choicesOf(m).map((c) => c.action)];
    const tdis = m.assign.map((a) => a.tdi);
    expect([tdis.length, m.vms.length, m.faults?.length]).toEqual([2, 1, 1]);
    for (const tdi of tdis) expect(DEVICE_EVENTS.filter((e) => !actions.some((a) => 'event' in a && a.event === e && a.tdi === tdi))).toEqual([]);
    expect(HOST_EVENTS.filter((e) => !actions.some((a) => 'event' in a && a.event === e))).toEqual([]);
    expect(FLOW_NAMES.filter((f) => !actions.some((a) => 'flow' in a && a.flow === f))).toEqual([]);
    expect(actions.some((a) => 'use' in a)).toBe(true);
  });

  it('prints the schema of the result too', async () => {
    const r = await teeio(['schema', 'explore'], ROOT);
    expect(JSON.parse(r.out)).toMatchObject({ $id: 'https://teeio.dev/schema/explore.json', required: ['model', 'archs', 'results', 'reach'] });
  });
});
