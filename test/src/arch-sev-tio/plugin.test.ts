import type { PluginListing } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';
import { ROOT, SEV, exampleFiles } from './harness.js';

async function teeio(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { NO_COLOR: '1' }, cwd: ROOT };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('SEV-TIO: the plugin loads by its arch id', () => {
  it('teeio plugins --arch sev-tio lists it with all four ports and every flow, refusing nothing', async () => {
    const r = await teeio(['plugins', '--arch', 'sev-tio', '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { loaded, refused } = JSON.parse(r.out) as PluginListing;
    expect(refused).toEqual([]);
    expect(loaded).toEqual([
      expect.objectContaining({
        specifier: '@teeio/arch-sev-tio',
        name: '@teeio/arch-sev-tio',
        arch: 'sev-tio',
        firmware: { name: 'AMD PSP (SEV-TIO)', injectedFailure: 'SEV_RET_RESOURCE_LIMIT' },
        ports: ['tsm', 'mmio', 'iommu', 'attestation'],
      }),
    ]);
  });

  it('declares the vfio-unbinds FLR policy and that a VM is destroyed only after its devices are unbound', () => {
    expect(SEV.declaration.semantics).toMatchObject({ flrPolicy: 'vfio-unbinds', vmDestroyRequiresUnbind: true });
    expect(SEV.declaration.plans.bind.map((p) => p.step)).not.toContain('vfio.revoke-mmio');
  });
});

describe('SEV-TIO: teeio run --arch sev-tio gives each example its SEV-TIO outcome', () => {
  for (const file of exampleFiles())
    it(file, async () => {
      const r = await teeio(['run', '--arch', 'sev-tio', `examples/${file}`]);
      expect(r.out).toMatch(/^outcome: pass$/m);
      expect(r.code).toBe(0);
    });
});
