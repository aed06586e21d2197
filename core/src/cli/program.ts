import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { WireDecodeError, WireEncodeError } from '../wire/index.js';
import { tdispCommand } from './commands/tdisp.js';
import { pluginsCommand } from './commands/plugins.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** What a command group adds to the program. Each returns the exit code through `done`. */
export type CommandGroup = (io: CliIo, done: (code: ExitCode) => void) => Command;

/** The version of @teeio/core, from its package.json (one directory above src/ and dist/). */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const GROUPS: readonly CommandGroup[] = [runCommand, pluginsCommand, schemaCommand, tdispCommand];

function toExit(e: unknown, io: CliIo): ExitCode {
  if (e instanceof CommanderError) {
    // Commander has already written help (exit 0) or its one-line error.
    return e.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
  }
  if (e instanceof CliError) {
    io.err(`teeio: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof WireDecodeError || e instanceof WireEncodeError) {
    io.err(`teeio: ${e.message}\n`);
    return ExitCode.BAD_INPUT;
  }
  const detail = e instanceof Error ? (io.env['TEEIO_DEBUG'] ? (e.stack ?? e.message) : e.message) : String(e);
  io.err(`teeio: internal error: ${detail}\n`);
  return ExitCode.INTERNAL;
}

export function buildProgram(io: CliIo, done: (code: ExitCode) => void): Command {
  const program = new Command('teeio')
    .description('Executable models of confidential device assignment (PCIe TDISP / TEE-IO) across architectures')
    .version(VERSION, '-V, --version', 'print the teeio version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  for (const group of GROUPS) program.addCommand(group(io, done));
  // Subcommands inherit output routing and exit handling.
  for (const cmd of program.commands) applyToTree(cmd, io);
  return program;
}

function applyToTree(cmd: Command, io: CliIo): void {
  cmd.configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const sub of cmd.commands) applyToTree(sub, io);
}

/** Runs teeio with `argv` (without the node and script names) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = ExitCode.OK;
  try {
    await buildProgram(io, (c) => (code = c)).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    return toExit(e, io);
  }
}
