import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';

/** An inline argument, `@file` for a file's content, or `-` for standard input. */
export function readArg(arg: string, io: CliIo, what: string): string {
  try {
    if (arg === '-') return io.stdin ? io.stdin() : readFileSync(0, 'utf8');
    if (arg.startsWith('@')) return readFileSync(resolve(io.cwd, arg.slice(1)), 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} from ${arg}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return arg;
}
