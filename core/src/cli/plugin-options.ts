import { type Command, InvalidArgumentError, Option } from 'commander';
import { BUILTIN_ARCHES, type BuiltinArch, isBuiltinArch } from '../plugin/builtins.js';
import { CONFIG_FILE_NAME, ConfigFileError } from '../plugin/config-file.js';
import type { PluginRefusal } from '../plugin/refusal.js';
import { type LoadRequest, buildLoadRequest } from '../plugin/request.js';
import { CliError } from './exit-codes.js';
import { type CliIo, writeDebugCause } from './io.js';
import { oneLine } from './one-line.js';

/** The options `addPluginOptions` adds, as commander parses them. */
export interface PluginOptions {
  readonly plugin?: readonly string[];
  readonly arch?: readonly BuiltinArch[];
  readonly config?: string;
}

const collect = (value: string, previous: readonly string[] = []) => [...previous, value];

function collectArch(value: string, previous: readonly BuiltinArch[] = []): BuiltinArch[] {
  if (!isBuiltinArch(value)) throw new InvalidArgumentError(`Allowed choices are ${BUILTIN_ARCHES.join(', ')}.`);
  return [...previous, value];
}

/** Adds `--plugin`, `--arch` and `--config` to `cmd`: every command that loads plugins takes them. */
export function addPluginOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--plugin <spec>', 'load a plugin: package name, path or file URL (repeatable)').argParser(collect))
    .addOption(new Option('--arch <id>', `load a built-in plugin by arch id: ${BUILTIN_ARCHES.join(', ')} (repeatable)`).argParser(collectArch))
    .option('--config <path>', `config file naming plugins (default: ./${CONFIG_FILE_NAME} when present)`);
}

/** The load request the options ask for (all built-ins when they ask for none). */
export function loadRequestFrom(opts: PluginOptions, io: CliIo): LoadRequest {
  try {
    return buildLoadRequest({ plugins: opts.plugin, arch: opts.arch, config: opts.config }, io.cwd);
  } catch (e) {
    if (e instanceof ConfigFileError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * One stderr line per refused plugin, in the CLI's error format, then a line per error its
 * loader reported, each naming the plugin and the place (and what it threw, to debug).
 */
export function writeRefusals(refused: readonly PluginRefusal[], io: CliIo): void {
  for (const r of refused) {
    io.err(`teeio: ${oneLine(r.message)}\n`);
    for (const error of r.errors) io.err(`teeio: plugin ${r.specifier}: ${oneLine(error)}\n`);
    writeDebugCause(r.cause, io);
  }
}

