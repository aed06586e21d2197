import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';
import { EXAMPLES, ccaExamples } from './harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `teeio` in memory, from the repository root. */
async function teeio(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { NO_COLOR: '1' }, cwd: ROOT };
  return { code: await runCli(args, io), out, err };
}

describe('teeio with --arch cca', () => {
  it('teeio plugins shows the built-in CCA plugin', async () => {
    const r = await teeio(['plugins', '--arch', 'cca', '--format', 'json']);
    expect(r.code).toBe(0);
    const { loaded, refused } = JSON.parse(r.out) as { loaded: { name: string; arch: string; firmware: { injectedFailure: string }; ports: string[] }[]; refused: unknown[] };
    expect(refused).toEqual([]);
    expect(loaded).toEqual([expect.objectContaining({ name: '@teeio/arch-cca', arch: 'cca', firmware: expect.objectContaining({ injectedFailure: 'RMI_BUSY' }), ports: ['tsm', 'mmio', 'iommu', 'attestation'] })]);
  });

  it.each(ccaExamples())('teeio run --arch cca examples/%s passes (exit 0)', async (file) => {
    const r = await teeio(['run', '--arch', 'cca', '--format', 'json', `${EXAMPLES}${file}`]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ reports: [{ arch: 'cca', outcome: 'pass' }] });
    expect(r.code).toBe(0);
  });

  it('the installed command lists the plugin by arch id (built with tsc -b)', () => {
    const r = spawnSync(process.execPath, ['core/bin/teeio.js', 'plugins', '--arch', 'cca'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/@teeio\/arch-cca .* cca .* Arm RMM/);
  });
});
