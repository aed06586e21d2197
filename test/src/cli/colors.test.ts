import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ColorInputs, colorEnabled } from '../../../core/src/cli/colors.js';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ESC = '\u001b';
const TERM = 'xterm-256color';

describe('colorEnabled: the flag, then Node on a terminal, then only FORCE_COLOR on a pipe', () => {
  const cases: readonly (readonly [string, ColorInputs, boolean])[] = [
    ['a terminal', { env: { TERM }, stdoutIsTTY: true }, true],
    ['a terminal with NO_COLOR=1', { env: { TERM, NO_COLOR: '1' }, stdoutIsTTY: true }, false],
    ['a terminal with NODE_DISABLE_COLORS=1', { env: { TERM, NODE_DISABLE_COLORS: '1' }, stdoutIsTTY: true }, false],
    ['a terminal with FORCE_COLOR=0', { env: { TERM, FORCE_COLOR: '0' }, stdoutIsTTY: true }, false],
    ['a dumb terminal', { env: { TERM: 'dumb' }, stdoutIsTTY: true }, false],
    ['a pipe', { env: { TERM } }, false],
    ['a pipe with CI=true', { env: { TERM, CI: 'true' }, stdoutIsTTY: false }, false],
    ['a pipe with NO_COLOR=1', { env: { TERM, NO_COLOR: '1' } }, false],
    ['a pipe with FORCE_COLOR=0', { env: { TERM, FORCE_COLOR: '0' } }, false],
    ['a pipe with FORCE_COLOR=1', { env: { FORCE_COLOR: '1' } }, true],
    ['a pipe with FORCE_COLOR=1 and CI=true', { env: { FORCE_COLOR: '1', CI: 'true' } }, true],
    ['a pipe with --color', { env: {}, color: true }, true],
    ['a pipe with FORCE_COLOR=0 and --color', { env: { FORCE_COLOR: '0' }, color: true }, true],
    ['a terminal with --no-color', { env: { TERM }, stdoutIsTTY: true, color: false }, false],
    ['a pipe with FORCE_COLOR=1 and --no-color', { env: { FORCE_COLOR: '1' }, color: false }, false],
  ];
  it.each(cases)('%s', (_, io, expected) => expect(colorEnabled(io)).toBe(expected));
});

/** `teeio run` in this process, stdout a pipe, FORCE_COLOR=1: colour unless a flag says no. */
async function escapesIn(args: readonly string[]): Promise<boolean> {
  let out = '';
  const io: CliIo = { out: (t) => void (out += t), err: () => undefined, env: { FORCE_COLOR: '1' }, cwd: ROOT };
  expect(await runCli(args, io)).toBe(0);
  return out.includes(ESC);
}

describe('--color / --no-color on the root apply to every command, before or after its name', () => {
  const RUN = ['--arch', 'tdx', 'examples/lifecycle.json'];
  it('`run --no-color` and `--no-color run` both drop colour that FORCE_COLOR=1 asked for', async () => {
    expect(await escapesIn(['run', ...RUN])).toBe(true);
    expect(await escapesIn(['run', '--no-color', ...RUN])).toBe(false);
    expect(await escapesIn(['--no-color', 'run', ...RUN])).toBe(false);
  });
  it('a nested command (`tdisp transcript`) accepts the flags too', async () => {
    expect(await escapesIn(['tdisp', 'transcript', '--no-color'])).toBe(false);
    expect(await escapesIn(['tdisp', '--no-color', 'transcript'])).toBe(false);
  });
});

describe('the built CLI on a pipe (`npm test` builds dist/ first)', () => {
  /** stdout of `teeio run --arch tdx examples/lifecycle.json` with only `env` set beside PATH. */
  function stdoutOf(env: Record<string, string>, ...flags: string[]): string {
    const r = spawnSync(process.execPath, ['core/bin/teeio.js', 'run', ...flags, '--arch', 'tdx', 'examples/lifecycle.json'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', TERM, ...env },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    return r.stdout;
  }
  // Four runs of the built CLI: on a shared, loaded machine they outlast vitest's default 5 s.
  it('CI=true gives no ESC byte, FORCE_COLOR=1 does, and --no-color beats FORCE_COLOR=1', { timeout: 30_000 }, () => {
    expect(stdoutOf({ CI: 'true' })).not.toContain(ESC);
    expect(stdoutOf({ FORCE_COLOR: '1' })).toContain(ESC);
    expect(stdoutOf({ FORCE_COLOR: '1' }, '--no-color')).not.toContain(ESC);
    expect(stdoutOf({ CI: 'true' }, '--color')).toContain(ESC);
  });
});
