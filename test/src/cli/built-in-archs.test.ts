/**
 * Each built-in arch plugin through the `teeio` command: listed by `teeio plugins` with its
 * firmware and the status fail_nth injects, and every example whose outcome on that arch is
 * defined passing `teeio run --arch ID` (exit 0); the installed command lists it too.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';
import { ccaExamples } from '../arch-cca/harness.js';
import { tdxExamples } from '../arch-tdx/harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `teeio` in memory, from the repository root. */
async function teeio(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { NO_COLOR: '1' }, cwd: ROOT };
  return { code: await runCli(args, io), out, err };
}

const ARCHS = [
  { arch: 'tdx', name: '@teeio/arch-tdx', injectedFailure: 'TDX_OPERAND_BUSY', firmware: /^tdx {2}@teeio\/arch-tdx \S+\n {2}firmware +Intel TDX module/, examples: tdxExamples },
  { arch: 'cca', name: '@teeio/arch-cca', injectedFailure: 'RMI_BUSY', firmware: /^cca {2}@teeio\/arch-cca \S+\n {2}firmware +Arm RMM/, examples: ccaExamples },
] as const;

describe.each(ARCHS)('teeio with --arch $arch', ({ arch, name, injectedFailure, firmware, examples }) => {
  it('teeio plugins shows the built-in plugin', async () => {
    const r = await teeio(['plugins', '--arch', arch, '--format', 'json']);
    expect(r.code).toBe(0);
    const { loaded, refused } = JSON.parse(r.out) as { loaded: unknown[]; refused: unknown[] };
    expect(refused).toEqual([]);
    expect(loaded).toEqual([expect.objectContaining({ name, arch, firmware: expect.objectContaining({ injectedFailure }), ports: ['tsm', 'mmio', 'iommu', 'attestation'] })]);
  });

  it.each(examples())(`teeio run --arch ${arch} examples/%s passes (exit 0)`, async (file) => {
    const r = await teeio(['run', '--arch', arch, '--format', 'json', `examples/${file}`]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ reports: [{ arch, outcome: 'pass' }] });
    expect(r.code).toBe(0);
  });

  it('the installed command lists the plugin by arch id (built with tsc -b)', () => {
    const r = spawnSync(process.execPath, ['core/bin/teeio.js', 'plugins', '--arch', arch], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(firmware);
  });
});
