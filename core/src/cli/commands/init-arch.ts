import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argument, Command } from 'commander';
import { coreSpecFor, writeBackend } from '../../scaffold/backend.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CommandGroup } from '../program.js';

/** The arch id as a declaration must spell it (DECLARATION_SCHEMA's /arch pattern). */
const ARCH_ID = /^[a-z][a-z0-9-]*$/;

function isEmptyOrMissing(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw new CliError(`init-arch: cannot use ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

interface InitArchOptions {
  readonly package?: string;
  readonly core?: string;
}

/** `teeio init-arch NAME [DIR]`: a new backend package, ready for `npm install && npm test`. */
export const initArchCommand: CommandGroup = (io, done) =>
  new Command('init-arch')
    .description('write a new arch backend package: declaration, four ports, a firmware model skeleton, plans, and a conformance test that says what to fill')
    .addArgument(new Argument('<name>', 'the arch id (lower case, digits, dashes), e.g. cove-io'))
    .addArgument(new Argument('[dir]', 'an empty or new folder (default: ./NAME)'))
    .option('--package <name>', 'the npm package name (default: teeio-arch-NAME)')
    .option('--core <spec>', 'the devDependency spec of @teeio/core (default: file: this core)')
    .action((name: string, dirArg: string | undefined, opts: InitArchOptions) => {
      if (!ARCH_ID.test(name)) throw new CliError(`init-arch: NAME ${JSON.stringify(name)} is not an arch id (a lower-case letter, then lower-case letters, digits, dashes)`);
      const dir = resolve(io.cwd, dirArg ?? name);
      if (!isEmptyOrMissing(dir)) throw new CliError(`init-arch: ${dirArg ?? name} is not empty; give a new or empty folder`);
      const files = writeBackend(dir, { arch: name, packageName: opts.package ?? `teeio-arch-${name}`, coreSpec: opts.core ?? coreSpecFor(dir) });
      io.out(`wrote ${files.length} files into ${dirArg ?? name}/\n`);
      io.out(`next: cd ${dirArg ?? name} && npm install && npm test  (each failure names the file to fill)\n`);
      done(ExitCode.OK);
    });
