import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { loadPlugins } from '../../plugin/host.js';
import { type PluginListing, listPlugins } from '../../plugin/listing.js';
import { type Colors, colorsFor } from '../colors.js';
import { ExitCode } from '../exit-codes.js';
import { type PluginOptions, addPluginOptions, loadRequestFrom, writeRefusals } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';

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
  for (const r of refused) t.push([r.specifier, c.red(r.reason), [r.problem, ...r.errors].join('\n')]);
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
