/**
 * A TypeScript plugin that does not parse, loaded by the built CLI through tsx (esbuild): every
 * error the transform gave is a line of its own naming the plugin and file:line:col, no stack
 * unless TEEIO_DEBUG=1. Lines 4, 6 and 8 of the fixture redeclare a symbol; esbuild reports all
 * three ("Transform failed with 3 errors:"), which the refusal used to cut to its first line.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PluginListing } from '../../../core/src/plugin/listing.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = './test/src/fixtures/plugins/syntax-errors/index.ts';
const FILE = /test\/src\/fixtures\/plugins\/syntax-errors\/index\.ts/.source;

function teeio(args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['core/bin/teeio.js', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, out: r.stdout, errLines: r.stderr.split('\n').filter((l) => l !== '') };
}

const EXPECTED = [
  new RegExp(`^teeio: plugin ${FIXTURE.replaceAll('.', '\\.')}: cannot import the module: Transform failed with 3 errors:$`),
  new RegExp(`^teeio: plugin \\S+: \\S*${FILE}:4:5: The symbol "port" has already been declared$`),
  new RegExp(`^teeio: plugin \\S+: \\S*${FILE}:6:7: The symbol "tsm" has already been declared$`),
  new RegExp(`^teeio: plugin \\S+: \\S*${FILE}:8:10: The symbol "register" has already been declared$`),
];

describe('a plugin whose source does not parse', () => {
  it.each([['plugins'], ['run', 'examples/lifecycle.json']])('teeio %s: exit 2, the summary and one line per error, each with file:line:col', (...cmd) => {
    const r = teeio([...cmd, '--plugin', FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(EXPECTED.length);
    r.errLines.forEach((line, i) => expect(line).toMatch(EXPECTED[i] as RegExp));
  });

  it('--format json lists the errors in the refusal', () => {
    const r = teeio(['plugins', '--plugin', FIXTURE, '--format', 'json']);
    const [refused] = (JSON.parse(r.out) as PluginListing).refused;
    expect(refused?.reason).toBe('import-failed');
    expect(refused?.errors.map((e) => /:(\d+:\d+): /.exec(e)?.[1])).toEqual(['4:5', '6:7', '8:10']);
  });

  it('TEEIO_DEBUG=1 adds the stack under the lines', () => {
    const r = teeio(['run', 'examples/lifecycle.json', '--plugin', FIXTURE], { TEEIO_DEBUG: '1' });
    expect(r.code).toBe(2);
    expect(r.errLines.slice(0, 4).every((l) => l.startsWith('teeio: '))).toBe(true);
    expect(r.errLines.slice(4).some((l) => /^\s+at /.test(l))).toBe(true);
  });
});
