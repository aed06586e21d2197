import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * `--out DIR`, checked before anything runs: a directory that exists and can be written to,
 * resolved against the command's working directory.
 */
export function outDir(given: string, io: Pick<CliIo, 'cwd'>): string {
  const dir = resolve(io.cwd, given);
  try {
    if (!statSync(dir).isDirectory()) throw new CliError(`--out: ${given} is not a directory`);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`--out: cannot write to ${given}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return dir;
}

/**
 * Writes `name` in `dir` whole or not at all: into a temporary file beside it, then renamed over
 * it (a rename within a directory is atomic), so a reader or a failed run never sees half a file.
 */
export function writeWhole(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new CliError(`--out: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return path;
}
