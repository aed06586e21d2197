import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { WireDecodeError, WireEncodeError } from '../wire/index.js';
import { CliError, ExitCode } from './exit-codes.js';
import { type CliIo, writeDebugCause } from './io.js';
import { oneLine } from './one-line.js';

/** What a command group adds to the program. Each returns the exit code through `done`. */
export type CommandGroup = (io: CliIo, done: (code: ExitCode) => void) => Command;

/** The version of @teeio/core, from its package.json (found by name: the code may be bundled). */
const VERSION = (createRequire(import.meta.url)('@teeio/core/package.json') as { version: string }).version;

/**
 * The command groups by name, loaded on demand: a command imports only its own group's modules
 * (start-up time is most of a short run's time). Root help loads them all.
 */
const GROUPS: Readonly<Record<string, () => Promise<CommandGroup>>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  plugins: async () => (await import('./commands/plugins.js')).pluginsCommand,
  schema: async () => (await import('./commands/schema.js')).schemaCommand,
  tdisp: async () => (await import('./commands/tdisp.js')).tdispCommand,
  compare: async () => (await import('./commands/compare.js')).compareCommand,
  matrix: async () => (await import('./commands/matrix.js')).matrixCommand,
  overview: async () => (await import('./commands/overview.js')).overviewCommand,
  'init-arch': async () => (await import('./commands/init-arch.js')).initArchCommand,
  conformance: async () => (await import('./commands/conformance.js')).conformanceCommand,
  sweep: async () => (await import('./commands/sweep.js')).sweepCommand,
  explore: async () => (await import('./commands/explore.js')).exploreCommand,
};

/** The groups `argv` needs: the one it names, or all of them (for help and unknown commands). */
async function groupsFor(argv: readonly string[]): Promise<CommandGroup[]> {
  const named = argv.find((a) => !a.startsWith('-'));
  const load = named !== undefined && named in GROUPS ? [GROUPS[named] as () => Promise<CommandGroup>] : Object.values(GROUPS);
  return Promise.all(load.map((l) => l()));
}

function toExit(e: unknown, io: CliIo): ExitCode {
  if (e instanceof CommanderError) {
    // Commander has already written help (exit 0) or its one-line error.
    return e.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
  }
  if (e instanceof CliError) {
    io.err(`teeio: ${oneLine(e.message)}\n`);
    writeDebugCause(e.cause, io);
    return e.exitCode;
  }
  if (e instanceof WireDecodeError || e instanceof WireEncodeError) {
    io.err(`teeio: ${oneLine(e.message)}\n`);
    return ExitCode.BAD_INPUT;
  }
  const detail = e instanceof Error ? (io.env['TEEIO_DEBUG'] ? (e.stack ?? e.message) : oneLine(e.message)) : oneLine(String(e));
  io.err(`teeio: internal error: ${detail}\n`);
  return ExitCode.INTERNAL;
}

export function buildProgram(io: CliIo, done: (code: ExitCode) => void, groups: readonly CommandGroup[]): Command {
  const program = new Command('teeio')
    .description('Executable models of confidential device assignment (PCIe TDISP / TEE-IO) across architectures')
    .version(VERSION, '-V, --version', 'print the teeio version')
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'no colour, whatever the environment says');
  for (const group of groups) program.addCommand(group(withColorFlag(io, program), done));
  applyToTree(program, io);
  return program;
}

/**
 * Commands see the root's `--color` / `--no-color`. Commander reads root options before and after
 * the subcommand (no positional options), so `teeio run --no-color` and `teeio --no-color run` agree.
 */
function withColorFlag(io: CliIo, program: Command): CliIo {
  return { ...io, get color() { return program.opts<{ color?: boolean }>().color ?? io.color; } };
}

/** Commander's message as one line: its own line breaks (before "(Did you mean …?)") become spaces. */
const commanderLine = (text: string): string => oneLine(text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' '));

/** `teeio tdisp decode`: the command path a user types, for pointing at its help. */
function pathOf(cmd: Command): string {
  return cmd.parent ? `${pathOf(cmd.parent)} ${cmd.name()}` : cmd.name();
}

/**
 * Every command writes through `io`, throws instead of exiting, and reports a usage error as
 * every other teeio error: one line, naming the flag or argument, with where to read more.
 */
function applyToTree(cmd: Command, io: CliIo): void {
  cmd
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (text, write) => write(`teeio: ${commanderLine(text)} (see ${pathOf(cmd)} --help)\n`),
    })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  for (const sub of cmd.commands) applyToTree(sub, io);
}

/** Runs teeio with `argv` (without the node and script names) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = ExitCode.OK;
  try {
    await buildProgram(io, (c) => (code = c), await groupsFor(argv)).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    return toExit(e, io);
  }
}
