/**
 * Bad input is ONE line, whatever the input spells (issue 10, found by the scenario fuzzer): a
 * key with a newline or a terminal escape in it is shown escaped, never written raw.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../cross-arch/plugins.js';
import { teeio } from './in-memory.js';

const dir = mkdtempSync(join(tmpdir(), 'teeio-one-line-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('error messages stay on one line', () => {
  it('an unknown key holding a newline and an escape sequence is named escaped', async () => {
    const scenario = JSON.parse(readFileSync(join(EXAMPLES, 'lifecycle.json'), 'utf8')) as { expect: Record<string, unknown> };
    scenario.expect['bad\nkey\u001b[31m\u2028'] = true;
    const file = join(dir, 'bad-key.json');
    writeFileSync(file, JSON.stringify(scenario));
    const r = await teeio(['run', '--arch', 'tdx', file]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`teeio: ${file}: /expect/bad\\nkey\\u001b[31m\\u2028: unknown field\n`);
  });

  it("commander's suggestion is on the same line as the unknown option", async () => {
    const r = await teeio(['run', '--fromat', 'json', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(["teeio: unknown option '--fromat' (Did you mean --format?) (see teeio run --help)"]);
  });
});
