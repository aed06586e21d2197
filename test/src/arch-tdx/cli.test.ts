import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';
import { EXAMPLES, tdxExamples } from './harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `teeio` in memory, from the repository root. */
async function teeio(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { NO_COLOR: '1' }, cwd: ROOT };
  return { code: await runCli(args, io), out, err };
}

describe('teeio with --arch tdx', () => {
  it('teeio plugins shows the built-in TDX plugin', async () => {
    const r = await teeio(['plugins', '--arch', 'tdx', '--format', 'json']);
    expect(r.code).toBe(0);
    const { loaded, refused } = JSON.parse(r.out) as { loaded: { name: string; arch: string; firmware: { injectedFailure: string }; ports: string[] }[]; refused: unknown[] };
    expect(refused).toEqual([]);
    expect(loaded).toEqual([expect.objectContaining({ name: '@teeio/arch-tdx', arch: 'tdx', firmware: expect.objectContaining({ injectedFailure: 'TDX_OPERAND_BUSY' }), ports: ['tsm', 'mmio', 'iommu', 'attestation'] })]);
  });

  it.each(tdxExamples())('teeio run --arch tdx examples/%s passes (exit 0)', async (file) => {
    const r = await teeio(['run', '--arch', 'tdx', '--format', 'json', `${EXAMPLES}${file}`]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ reports: [{ arch: 'tdx', outcome: 'pass' }] });
    expect(r.code).toBe(0);
  });

  it('the installed command lists the plugin by arch id (built with tsc -b)', () => {
    const r = spawnSync(process.execPath, ['core/bin/teeio.js', 'plugins', '--arch', 'tdx'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/@teeio\/arch-tdx .* tdx .* Intel TDX module/);
  });
});
