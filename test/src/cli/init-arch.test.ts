import { mkdtempSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PluginListing } from '../../../core/src/plugin/listing.js';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fresh = () => realpathSync(mkdtempSync(join(tmpdir(), 'teeio-init-arch-')));

/** Every file below `dir`, relative to it, sorted. */
const tree = (dir: string): string[] => (readdirSync(dir, { recursive: true, withFileTypes: true }) as { isFile(): boolean; parentPath: string; name: string }[])
  .filter((e) => e.isFile())
  .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
  .sort();

describe('teeio init-arch', () => {
  it('writes the layout of the built-in plugins', async () => {
    const cwd = fresh();
    const r = await teeio(['init-arch', 'cove-io'], cwd);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(tree(join(cwd, 'cove-io'))).toEqual([
      '.gitignore', '.npmrc', 'README.md', 'package.json',
      'src/codes.ts', 'src/firmware/device.ts', 'src/firmware/firmware.ts', 'src/firmware/state.ts', 'src/firmware/tdi.ts', 'src/firmware/vm.ts',
      'src/index.ts', 'src/plans.ts',
      'src/ports/attestation.ts', 'src/ports/iommu.ts', 'src/ports/mmio.ts', 'src/ports/tsm.ts',
      'src/rules.ts', 'src/todo.ts',
      'test/conformance.test.ts', 'tsconfig.build.json', 'tsconfig.json', 'vitest.config.ts',
    ]);
  });

  it('writes a plugin the host accepts: valid declaration, plans of vocabulary steps for every flow, every port method', async () => {
    const cwd = fresh();
    await teeio(['init-arch', 'cove-io', 'pkg', '--package', '@me/cove-io'], cwd);
    symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'pkg/node_modules'));
    const r = await teeio(['plugins', '--plugin', './pkg/src/index.ts', '--format', 'json'], cwd);
    expect([r.code, r.err]).toEqual([0, '']);
    expect((JSON.parse(r.out) as PluginListing).loaded.map((p) => [p.name, p.arch, p.firmware.injectedFailure])).toEqual([['@me/cove-io', 'cove-io', 'COVE_IO_BUSY']]);
  });

  it('refuses a folder that is not empty, in one line, exit 2, writing nothing', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const r = await teeio(['init-arch', 'demo', '.'], cwd);
    expect([r.code, r.out, r.errLines]).toEqual([2, '', ['teeio: init-arch: . is not empty; give a new or empty folder']]);
    expect(readdirSync(cwd)).toEqual(['notes.txt']);
  });

  it('refuses a NAME that cannot be an arch id', async () => {
    const r = await teeio(['init-arch', 'CoVE'], fresh());
    expect([r.code, r.errLines]).toEqual([2, ['teeio: init-arch: NAME "CoVE" is not an arch id (a lower-case letter, then lower-case letters, digits, dashes)']]);
  });
});
