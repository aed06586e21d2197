import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built CLI (`npm test` builds dist/ first), as a user's shell starts it. */
const TEEIO = ['core/bin/teeio.js', 'run', 'examples/lifecycle.json'];
const ENV = { ...process.env, NO_COLOR: '1', TEEIO_DEBUG: '' };

describe('teeio writing its output', () => {
  it('to a full disk: one line naming the errno, exit 74 (EX_IOERR), no stack trace', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, TEEIO, { cwd: ROOT, env: ENV, encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
      expect([r.status, r.stderr]).toEqual([74, 'teeio: cannot write output: ENOSPC\n']);
    } finally {
      closeSync(full);
    }
  }, 30_000);

  it('to a pipe its reader closed (`| head -1`): silent, and the run keeps its own exit code', async () => {
    const child = spawn(process.execPath, TEEIO, { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The reader is gone before teeio writes a byte (it takes far longer to start), so every
    // write meets EPIPE; reading a chunk first would race the pipe's 64 KiB buffer.
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect([status, stderr]).toEqual([0, '']);
  }, 30_000);
});
