import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import picocolors from 'picocolors';
import { BUILTIN_ARCHES, type BuiltinArch, isBuiltinArch } from '../../plugin/builtins.js';
import { CONFIG_FILE_NAME, ConfigFileError } from '../../plugin/config-file.js';
import { loadPlugins } from '../../plugin/host.js';
import { type PluginListing, listPlugins } from '../../plugin/listing.js';
import type { PluginRefusal } from '../../plugin/refusal.js';
import { type LoadRequest, buildLoadRequest } from '../../plugin/request.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { CommandGroup } from '../program.js';

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

/** One stderr line per refused plugin, in the CLI's error format. */
export function writeRefusals(refused: readonly PluginRefusal[], io: CliIo): void {
  for (const r of refused) io.err(`teeio: ${r.message}\n`);
}

type Colors = ReturnType<typeof picocolors.createColors>;

/** Colours only where picocolors finds a colour terminal and the command's NO_COLOR is unset. */
const colorsFor = (io: CliIo): Colors => picocolors.createColors(picocolors.isColorSupported && !io.env['NO_COLOR']);

/** cli-table3 colours through another library unless told not to; ours go through picocolors. */
function table(head: readonly string[], colWidths: (number | null)[], c: Colors): Table.Table {
  return new Table({ head: head.map((h) => c.bold(h)), colWidths, wordWrap: true, style: { head: [], border: [] } });
}

function loadedTable({ loaded }: PluginListing, c: Colors): string {
  if (loaded.length === 0) return c.dim('No plugins loaded.');
  // Short fields size themselves; the long ones wrap so the table fits a terminal.
  const t = table(['name', 'version', 'arch', 'firmware', 'ports', 'flows', 'semantics'], [null, null, null, 24, null, 28, 48], c);
  for (const p of loaded) {
    t.push([p.name, p.version, c.cyan(p.arch), `${p.firmware.name}\ninjected failure: ${p.firmware.injectedFailure}`, p.ports.join('\n'), p.flows.join(', '), p.semantics]);
  }
  return t.toString();
}

function refusedTable({ refused }: PluginListing, c: Colors): string {
  const t = table(['refused plugin', 'reason', 'problem'], [null, null, 60], c);
  for (const r of refused) t.push([r.specifier, c.red(r.reason), r.problem]);
  return t.toString();
}

function renderText(listing: PluginListing, c: Colors): string {
  const parts = [loadedTable(listing, c)];
  if (listing.refused.length > 0) parts.push(refusedTable(listing, c));
  return `${parts.join('\n')}\n`;
}

interface PluginsOptions extends PluginOptions {
  readonly format: 'text' | 'json';
}

/** `teeio plugins`: what the plugin options load, and why anything was refused. */
export const pluginsCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('plugins'))
    .description('load plugins as a run would, list them, and say why any was refused')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: PluginsOptions) => {
      const set = await loadPlugins(loadRequestFrom(opts, io));
      const listing = listPlugins(set);
      io.out(opts.format === 'json' ? `${JSON.stringify(listing, null, 2)}\n` : renderText(listing, colorsFor(io)));
      writeRefusals(set.refused, io);
      done(set.refused.length === 0 ? ExitCode.OK : ExitCode.BAD_INPUT);
    });
