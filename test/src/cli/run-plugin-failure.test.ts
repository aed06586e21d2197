import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('teeio run with a plugin that throws', () => {
  it('names the plugin and the scenario step, exits 2, and prints no stack trace', async () => {
    const r = await teeio(['run', '--plugin', 'test/src/fixtures/plugins/throws-at-run-time.js', 'examples/lifecycle.json'], ROOT);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['teeio: examples/lifecycle.json: plugin fixture-throws-at-run-time failed at /vms: createVm is not implemented yet']);
  });
});
