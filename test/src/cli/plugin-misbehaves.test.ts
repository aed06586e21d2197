import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';
import type { PluginListing } from '../../../core/src/plugin/listing.js';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../../examples/lifecycle.json', import.meta.url));

/**
 * Plugins that misbehave where the host calls them: reading the declaration, register(), and
 * constructing a port. Each is the plugin's failure, never teeio's own (exit 70): one line
 * naming the plugin, the phase and the plugin's message, exit 2.
 */
const HOSTILE: [fixture: string, reason: string, problem: string][] = [
  ['declaration-getter-throws.js', 'declaration-threw', 'reading the declaration threw: getter boom'],
  ['declaration-proxy-throws.js', 'declaration-threw', 'reading the declaration threw: proxy boom'],
  ['register-throws-second-time.js', 'register-threw', 'register() threw: no firmware left after the first registration'],
  ['register-async.js', 'register-async', 'register() returned a promise; it must register synchronously'],
  ['port-constructor-throws.js', 'construction-threw', 'constructing the tsm port threw: TSM constructor exploded'],
];

describe('a plugin that misbehaves', () => {
  it.each(HOSTILE)('%s: `teeio plugins` and `teeio run` refuse it alike, exit 2, one line', async (fixture, reason, problem) => {
    const line = `teeio: plugin ./${fixture}: ${problem}`;
    const listed = await teeio(['plugins', '--plugin', `./${fixture}`, '--format', 'json'], FIXTURES);
    expect([listed.code, listed.errLines]).toEqual([2, [line]]);
    expect((JSON.parse(listed.out) as PluginListing).refused).toEqual([expect.objectContaining({ specifier: `./${fixture}`, reason })]);
    const run = await teeio(['run', '--plugin', `./${fixture}`, SCENARIO], FIXTURES);
    expect([run.code, run.errLines, run.out]).toEqual([2, [line], '']);
  });

  it('that fails only in the run\'s own world is reported the same way by `teeio run`', async () => {
    const r = await teeio(['run', '--plugin', './port-constructor-throws-in-run.js', SCENARIO], FIXTURES);
    expect([r.code, r.errLines, r.out]).toEqual([2, ['teeio: plugin ./port-constructor-throws-in-run.js: constructing the tsm port threw: TSM out of handles'], '']);
  });

  it('shows the stack of what the plugin threw with TEEIO_DEBUG=1, under the same line', async () => {
    let err = '';
    const io: CliIo = { out: () => undefined, err: (t) => void (err += t), env: { NO_COLOR: '1', TEEIO_DEBUG: '1' }, cwd: FIXTURES };
    expect(await runCli(['plugins', '--plugin', './port-constructor-throws.js'], io)).toBe(2);
    const [line, ...stack] = err.trimEnd().split('\n');
    expect(line).toBe('teeio: plugin ./port-constructor-throws.js: constructing the tsm port threw: TSM constructor exploded');
    expect(stack.join('\n')).toMatch(/^Error: TSM constructor exploded\n\s+at new ExplodingTsm .*port-constructor-throws\.js:/);
  });

  it('is reported by the teeio binary without a stack trace or a late unhandled rejection', () => {
    for (const [fixture, , problem] of HOSTILE) {
      const r = spawnSync(process.execPath, ['core/bin/teeio.js', 'run', '--plugin', `test/src/fixtures/plugins/${fixture}`, 'examples/lifecycle.json'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', TEEIO_DEBUG: '' },
      });
      expect([r.status, r.stderr]).toEqual([2, `teeio: plugin test/src/fixtures/plugins/${fixture}: ${problem}\n`]);
    }
  }, 60_000);
});
